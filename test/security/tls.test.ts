/**
 * TLS is verified before any secret is sent: a self-signed certificate, or one for another name,
 * ends the connection during the handshake, so the server never receives the request that carries
 * the bearer token or the client secret. Certificates are generated at test time (see certs.ts).
 */
import { request as httpsRequest } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, type FetchLike } from "../../src/index.js";
import { oauthM2MCredentials } from "../../src/auth/index.js";
import { hasOpenssl, makeCerts, type KeyPair, type TestCerts } from "./certs.js";
import { LeakMatrix } from "./matrix.js";
import { httpsRecorder, json, type Recorder } from "./servers.js";

const PAT = "dapi00112233445566778899aabbccddeeff";
const SECRET = "dose00112233445566778899aabbccdd";
const matrix = new LeakMatrix().guard("TLS refused before a secret is sent");
const openssl = hasOpenssl();
let certs: TestCerts;
const servers: Recorder[] = [];

beforeAll(() => {
  if (openssl) certs = makeCerts();
}, 30_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(pair: KeyPair, host = "127.0.0.1"): Promise<Recorder> {
  const server = await httpsRecorder(pair, (req, res) => json(res, 200, req.url?.startsWith("/oidc") ? { access_token: "t".repeat(20), expires_in: 60 } : { name: "projects/p" }), host);
  servers.push(server);
  return server;
}

/** A fetch over node:https that trusts `ca` (and verifies names as Node does by default). */
function fetchTrusting(ca: string): FetchLike {
  return (request) =>
    new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(request.url, { method: request.method, headers: Object.fromEntries(request.headers), ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers: { "content-type": String(res.headers["content-type"] ?? "") } })));
      });
      req.on("error", reject);
      void request.arrayBuffer().then((b) => req.end(b.byteLength ? Buffer.from(b) : undefined), reject);
    });
}

describe.skipIf(!openssl)("with the runtime's fetch (system trust store)", () => {
  it.each(["selfSigned", "wrongName", "rightName"] as const)("a %s certificate from an unknown issuer: the API call and the token request are refused unsent", async (which) => {
    const server = await serve(certs[which]);
    const client = createLakebaseClient({ host: server.origin, auth: PAT, retry: false });
    await expect(client.projects.get("projects/p")).rejects.toThrow();
    const m2m = oauthM2MCredentials({ host: server.origin, clientId: "sp", clientSecret: SECRET, tokenEndpoint: `${server.origin}/oidc/v1/token`, retry: false });
    await expect(Promise.resolve(m2m.getToken())).rejects.toThrow();
    matrix.hold("PAT", `${which} TLS server`, server.seen.length === 0 && server.handshakes === 0, JSON.stringify(server.seen));
    matrix.hold("client secret", `${which} TLS server`, server.seen.length === 0, JSON.stringify(server.seen));
  });
});

describe.skipIf(!openssl)("with a fetch that trusts the test CA", () => {
  it("a certificate for another name is refused during the handshake (ERR_TLS_CERT_ALTNAME_INVALID)", async () => {
    const server = await serve(certs.wrongName);
    const client = createLakebaseClient({ host: server.origin, auth: PAT, retry: false, fetch: fetchTrusting(certs.ca) });
    const error = await client.projects.get("projects/p").catch((e: unknown) => e);
    expect(JSON.stringify(errorCodes(error))).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
    matrix.hold("PAT", "wrong-name TLS server (CA trusted)", server.seen.length === 0, JSON.stringify(server.seen));
  });

  it("control: the right name from the same CA is accepted (so the refusal above is the name)", async () => {
    const server = await serve(certs.rightName);
    const client = createLakebaseClient({ host: server.origin, auth: PAT, retry: false, fetch: fetchTrusting(certs.ca) });
    await expect(client.projects.get("projects/p")).resolves.toMatchObject({ name: "projects/p" });
    expect(server.seen.map((s) => s.authorization)).toEqual([`Bearer ${PAT}`]);
  });
});

function errorCodes(error: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 6 || typeof error !== "object" || error === null) return out;
  const e = error as { code?: unknown; cause?: unknown };
  if (typeof e.code === "string") out.push(e.code);
  return errorCodes(e.cause, out, depth + 1);
}
