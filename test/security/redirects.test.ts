/**
 * No request follows a redirect to another origin: a 301/302/303/307/308 from the workspace or the
 * token endpoint fails, and the redirect target receives nothing (no bearer token, no client secret).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient } from "../../src/index.js";
import { oauthM2MCredentials } from "../../src/auth/index.js";
import { LeakMatrix } from "./matrix.js";
import { httpRecorder, type Recorder } from "./servers.js";

const PAT = "dapi0123456789abcdef0123456789abcdef";
const SECRET = "dose0123456789abcdef0123456789";
const STATUSES = [301, 302, 303, 307, 308];
const matrix = new LeakMatrix().guard("redirects to another origin");
let target: Recorder;
let redirector: Recorder;
let status = 302;

beforeAll(async () => {
  // A different origin (another port, named "localhost"): where a redirect would carry the secret.
  target = await httpRecorder((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end("{}"), "localhost");
  redirector = await httpRecorder((req, res) => res.writeHead(status, { Location: `${target.origin}${req.url}` }).end());
});
afterAll(async () => {
  await Promise.all([target.close(), redirector.close()]);
});

describe.each(STATUSES)("HTTP %i to another origin", (code) => {
  beforeAll(() => void (status = code));

  it("API calls (GET, POST, currentUser) fail and the target receives nothing", async () => {
    const before = target.seen.length;
    const client = createLakebaseClient({ host: redirector.origin, auth: PAT, retry: false });
    await expect(client.projects.get("projects/p")).rejects.toThrow();
    await expect(client.projects.create(`p${code}`, { spec: {} }).submitted()).rejects.toThrow();
    await expect(client.currentUser()).rejects.toThrow();
    // The redirecting workspace itself did get the calls (so the target's silence means something).
    expect(redirector.seen.slice(-3).map((r) => r.authorization)).toEqual([`Bearer ${PAT}`, `Bearer ${PAT}`, `Bearer ${PAT}`]);
    matrix.hold("PAT", `${code} API redirect target`, target.seen.length === before, JSON.stringify(target.seen));
  });

  it("a token request fails and the target receives nothing", async () => {
    const before = target.seen.length;
    const provider = oauthM2MCredentials({ host: redirector.origin, clientId: "sp", clientSecret: SECRET, tokenEndpoint: `${redirector.origin}/oidc/v1/token`, retry: false });
    const error = await Promise.resolve(provider.getToken()).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "AuthenticationFailedError" });
    expect(String(error)).toMatch(/redirects are not followed/);
    matrix.hold("client secret", `${code} token redirect target`, target.seen.length === before, JSON.stringify(target.seen));
  });
});

it("OIDC discovery does not follow a redirect either", async () => {
  status = 302;
  const before = target.seen.length;
  const provider = oauthM2MCredentials({ host: redirector.origin, clientId: "sp", clientSecret: SECRET, retry: false });
  await expect(Promise.resolve(provider.getToken())).rejects.toThrow();
  matrix.hold("client secret", "discovery redirect target", target.seen.length === before, JSON.stringify(target.seen));
});
