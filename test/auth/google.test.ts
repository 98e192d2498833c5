/**
 * The Google credential types against local stand-ins (docs/auth.md#google): a generated RSA key,
 * nock for Google's token endpoint, the IAM Credentials API and the GCE metadata server.
 */
import nock from "nock";
import { createVerify, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { AuthConfigError, googleCredentials, googleIdCredentials } from "../../src/auth/index.js";
import { googleApplicationDefaultCredentials } from "../../src/auth/node.js";

const GCP_HOST = "https://123.4.gcp.databricks.com";
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
const KEY = { type: "service_account", client_email: "sa@proj.iam.gserviceaccount.com", private_key: privateKey, private_key_id: "kid-1", token_uri: "https://oauth2.googleapis.com/token" };
const fast = { retry: { maxRetries: 1, baseDelayMs: 1 } } as const;
const home = mkdtempSync(join(tmpdir(), "lakebase-gcp-"));

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => rmSync(home, { recursive: true, force: true }));

function decode(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** A JWT the fake Google would issue, expiring at `exp` (epoch s). */
function fakeIdToken(exp: number): string {
  return `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${Buffer.from(JSON.stringify({ exp, aud: GCP_HOST })).toString("base64url")}.sig`;
}

/** Google's token endpoint: checks the signature, answers an ID token or an access token by the claims. */
function googleTokenEndpoint(assertions: Record<string, unknown>[]) {
  return nock("https://oauth2.googleapis.com")
    .post("/token")
    .times(10)
    .reply((_uri, body) => {
      const params = new URLSearchParams(String(body));
      expect(params.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
      const jwt = params.get("assertion")!;
      const [header, payload, signature] = jwt.split(".");
      const ok = createVerify("RSA-SHA256").update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature!, "base64url"));
      if (!ok) return [400, { error: "invalid_grant", error_description: "bad signature" }];
      const claims = decode(payload!);
      assertions.push({ header: decode(header!), claims });
      return claims.target_audience
        ? [200, { id_token: fakeIdToken(Math.floor(Date.now() / 1000) + 3600) }]
        : [200, { access_token: "gcp-sa-access-token", expires_in: 3600, token_type: "Bearer" }];
    });
}

describe("google-credentials", () => {
  it("a signed assertion for an ID token with the workspace as audience; the SA access token in X-Databricks-GCP-SA-Access-Token", async () => {
    const assertions: Record<string, unknown>[] = [];
    googleTokenEndpoint(assertions);
    const p = googleCredentials({ host: GCP_HOST, credentials: JSON.stringify(KEY), ...fast });
    const token = await p.getToken();
    expect(decode(token.accessToken.split(".")[1]!).aud).toBe(GCP_HOST);
    expect(token.expiresAt).toBeGreaterThan(Date.now());
    expect(await p.extraHeaders({})).toEqual({ "X-Databricks-GCP-SA-Access-Token": "gcp-sa-access-token" });
    const [id, sa] = assertions as Array<{ header: Record<string, unknown>; claims: Record<string, unknown> }>;
    expect(id!.header).toMatchObject({ alg: "RS256", kid: "kid-1" });
    expect(id!.claims).toMatchObject({ iss: KEY.client_email, aud: KEY.token_uri, target_audience: GCP_HOST });
    expect(sa!.claims.scope).toBe("https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/compute");
    expect(p.name).toBe("google-credentials");
    for (const shown of [String(p), inspect(p), JSON.stringify(p)]) expect(shown).not.toContain("PRIVATE KEY");
  });

  it("a key that is not a service-account key is a config error that does not quote it", () => {
    const bad = JSON.stringify({ type: "authorized_user", private_key: "-----BEGIN PRIVATE KEY-----secret" });
    expect(() => googleCredentials({ host: GCP_HOST, credentials: bad })).toThrow(AuthConfigError);
    try {
      googleCredentials({ host: GCP_HOST, credentials: bad });
    } catch (error) {
      expect(String(error)).not.toContain("secret");
    }
    expect(() => googleCredentials({ host: GCP_HOST, credentials: "{not json" })).toThrow(/neither a readable file nor service-account JSON/);
  });
});

describe("google-id (impersonation through the IAM Credentials API)", () => {
  it("generateIdToken with the workspace audience and includeEmail; generateAccessToken for the secondary header", async () => {
    const bodies: Record<string, unknown>[] = [];
    const auth: string[] = [];
    nock("https://iamcredentials.googleapis.com")
      .post(/\/v1\/projects\/-\/serviceAccounts\/sa%40proj\.iam\.gserviceaccount\.com:generate(Id|Access)Token/)
      .times(2)
      .reply(function (uri, body) {
        bodies.push(body as Record<string, unknown>);
        auth.push(String(this.req.headers.authorization));
        return uri.endsWith(":generateIdToken")
          ? [200, { token: fakeIdToken(Math.floor(Date.now() / 1000) + 3600) }]
          : [200, { accessToken: "impersonated-access", expireTime: new Date(Date.now() + 3_600_000).toISOString() }];
      });
    const p = googleIdCredentials({ host: GCP_HOST, serviceAccount: "sa@proj.iam.gserviceaccount.com", source: { getToken: () => ({ accessToken: "caller-adc-token" }) }, ...fast });
    expect(decode((await p.getToken()).accessToken.split(".")[1]!).aud).toBe(GCP_HOST);
    expect(await p.extraHeaders({})).toEqual({ "X-Databricks-GCP-SA-Access-Token": "impersonated-access" });
    expect(bodies).toEqual([{ audience: GCP_HOST, includeEmail: true }, { scope: ["https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/compute"] }]);
    expect(auth).toEqual(["Bearer caller-adc-token", "Bearer caller-adc-token"]);
  });

  it("Application Default Credentials: the GCE metadata server (Metadata-Flavor: Google) when there is no file", async () => {
    let flavor: unknown;
    nock("http://metadata.google.internal")
      .get("/computeMetadata/v1/instance/service-accounts/default/token")
      .query(true)
      .reply(function () {
        flavor = this.req.headers["metadata-flavor"];
        return [200, { access_token: "gce-token", expires_in: 3600 }];
      });
    const adc = googleApplicationDefaultCredentials({ env: {}, homeDir: home, ...fast });
    expect((await adc.getToken()).accessToken).toBe("gce-token");
    expect(flavor).toBe("Google");
  });

  it("Application Default Credentials: an authorized_user file refreshes at Google's token endpoint", async () => {
    const file = join(home, "adc.json");
    writeFileSync(file, JSON.stringify({ type: "authorized_user", client_id: "cid", client_secret: "csecret", refresh_token: "user-refresh-token" }));
    let grant: Record<string, string> = {};
    nock("https://oauth2.googleapis.com")
      .post("/token")
      .reply((_uri, body) => {
        grant = Object.fromEntries(new URLSearchParams(String(body)));
        return [200, { access_token: "user-access", expires_in: 3600 }];
      });
    const adc = googleApplicationDefaultCredentials({ env: { GOOGLE_APPLICATION_CREDENTIALS: file }, ...fast });
    expect((await adc.getToken()).accessToken).toBe("user-access");
    expect(grant).toEqual({ grant_type: "refresh_token", client_id: "cid", client_secret: "csecret", refresh_token: "user-refresh-token" });
  });
});
