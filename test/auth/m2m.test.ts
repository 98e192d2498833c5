import nock from "nock";
import { inspect } from "node:util";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { oauthM2MCredentials, CredentialUnavailableError, AuthenticationFailedError, InvalidTokenResponseError } from "../../src/auth/index.js";

const HOST = "https://ws.example.com";
const ACCOUNTS = "https://accounts.cloud.databricks.com";
const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
const SECRET = "dose0123456789abcdefSECRET";
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 2 } } as const;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function discovery(host = HOST) {
  return nock(host)
    .get("/oidc/.well-known/oauth-authorization-server")
    .reply(200, { authorization_endpoint: `${host}/oidc/v1/authorize`, token_endpoint: `${host}/oidc/v1/token` });
}

describe("oauth-m2m client credentials", () => {
  it("discovers the workspace token endpoint and sends Basic auth, grant_type and scope exactly", async () => {
    discovery();
    let seen: { headers: Record<string, unknown>; body: string } | undefined;
    nock(HOST)
      .post("/oidc/v1/token")
      .reply(function (_uri, body) {
        seen = { headers: this.req.headers, body: String(body) };
        return [200, { access_token: "m2m-access-1", token_type: "Bearer", expires_in: 3600 }];
      });
    const provider = oauthM2MCredentials({ host: HOST, clientId: CLIENT_ID, clientSecret: SECRET, clock: () => 1_000_000 });
    const token = await provider.getToken();
    expect(token.accessToken).toBe("m2m-access-1");
    expect(token.expiresAt).toBe(1_000_000 + 3_600_000);
    expect(seen!.body).toBe("grant_type=client_credentials&scope=all-apis");
    expect(seen!.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString("base64")}`);
    expect(seen!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    // the token endpoint sees the SDK as the API does (not the runtime's default `node`)
    expect(seen!.headers["user-agent"]).toMatch(/^lakebase-sdk\/\d+\.\d+\.\d+ node\/\d+/);
    expect(provider.name).toBe("oauth-m2m");
    // cached: no second request
    expect((await provider.getToken()).accessToken).toBe("m2m-access-1");
  });

  it("uses the fixed account-level URL without discovery, and custom scopes sorted and de-duplicated", async () => {
    const account = "acc-123";
    let body = "";
    const scope = nock(ACCOUNTS)
      .post(`/oidc/accounts/${account}/v1/token`)
      .reply(function (_uri, b) {
        body = String(b);
        return [200, { access_token: "acct-token", expires_in: 3600 }];
      });
    const provider = oauthM2MCredentials({ host: ACCOUNTS, accountId: account, clientId: CLIENT_ID, clientSecret: SECRET, scopes: "sql, all-apis sql" });
    expect((await provider.getToken()).accessToken).toBe("acct-token");
    expect(body).toBe("grant_type=client_credentials&scope=all-apis+sql");
    scope.done();
  });

  it("form-encodes id and secret inside Basic auth (RFC 6749 §2.3.1), as golang.org/x/oauth2 does", async () => {
    let auth = "";
    nock(HOST)
      .post("/custom/token")
      .reply(function () {
        auth = String(this.req.headers.authorization);
        return [200, { access_token: "t", expires_in: 60 }];
      });
    await oauthM2MCredentials({ host: HOST, tokenEndpoint: `${HOST}/custom/token`, clientId: "id", clientSecret: "a b+c:d" }).getToken();
    expect(Buffer.from(auth.replace("Basic ", ""), "base64").toString()).toBe("id:a+b%2Bc%3Ad");
  });

  it("400 invalid_client is a typed AuthenticationFailedError that never contains the secret", async () => {
    discovery();
    nock(HOST)
      .post("/oidc/v1/token")
      .reply(400, { error: "invalid_client", error_description: `Client authentication failed for secret ${SECRET}` });
    const error = (await Promise.resolve(oauthM2MCredentials({ host: HOST, clientId: CLIENT_ID, clientSecret: SECRET, ...fast }).getToken()).catch((e: unknown) => e)) as AuthenticationFailedError;
    expect(error).toBeInstanceOf(AuthenticationFailedError);
    expect(error.status).toBe(400);
    expect(error.oauthError).toBe("invalid_client");
    expect(error.endpoint).toBe(`${HOST}/oidc/v1/token`);
    expect(error.message).toMatch(/invalid_client/);
    for (const text of [error.message, String(error), JSON.stringify(error), inspect(error, { depth: 5 }), error.stack ?? ""]) {
      expect(text).not.toContain(SECRET);
    }
  });

  it("retries 5xx and then succeeds", async () => {
    discovery();
    const failing = nock(HOST).post("/oidc/v1/token").reply(503, "busy").post("/oidc/v1/token").reply(500, { error: "server_error" });
    const ok = nock(HOST).post("/oidc/v1/token").reply(200, { access_token: "after-retry", expires_in: 3600 });
    const token = await oauthM2MCredentials({ host: HOST, clientId: CLIENT_ID, clientSecret: SECRET, ...fast }).getToken();
    expect(token.accessToken).toBe("after-retry");
    failing.done();
    ok.done();
  });

  it("honours the token endpoint's Retry-After: the retry waits at least what was asked, though the backoff is 1 ms", async () => {
    const sentAt: number[] = [];
    nock(HOST)
      .post("/t")
      .reply(() => (sentAt.push(performance.now()), [429, "slow down", { "Retry-After": "1" }]))
      .post("/t")
      .reply(() => (sentAt.push(performance.now()), [200, { access_token: "after-wait", expires_in: 3600 }]));
    const token = await oauthM2MCredentials({ host: HOST, tokenEndpoint: `${HOST}/t`, clientId: CLIENT_ID, clientSecret: SECRET, ...fast }).getToken();
    expect(token.accessToken).toBe("after-wait");
    expect(sentAt).toHaveLength(2);
    const waited = sentAt[1]! - sentAt[0]!;
    expect(waited).toBeGreaterThanOrEqual(990); // timer granularity
    expect(waited).toBeLessThan(3_000);
  });

  it("retries a refused connection", async () => {
    nock(HOST).post("/t").replyWithError({ code: "ECONNREFUSED", message: "connect ECONNREFUSED" });
    nock(HOST).post("/t").reply(200, { access_token: "reconnected", expires_in: 3600 });
    const token = await oauthM2MCredentials({ host: HOST, tokenEndpoint: `${HOST}/t`, clientId: CLIENT_ID, clientSecret: SECRET, ...fast }).getToken();
    expect(token.accessToken).toBe("reconnected");
  });

  it("gives up after the attempts and reports the last status", async () => {
    nock(HOST).post("/t").times(3).reply(502, "bad gateway");
    const error = await Promise.resolve(
      oauthM2MCredentials({ host: HOST, tokenEndpoint: `${HOST}/t`, clientId: CLIENT_ID, clientSecret: SECRET, retry: { maxRetries: 2, baseDelayMs: 1 } }).getToken(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationFailedError);
    expect((error as AuthenticationFailedError).status).toBe(502);
  });

  it("malformed JSON and a missing access_token are InvalidTokenResponseError", async () => {
    nock(HOST).post("/t").reply(200, "<html>not json</html>", { "Content-Type": "text/html" });
    const provider = () => oauthM2MCredentials({ host: HOST, tokenEndpoint: `${HOST}/t`, clientId: CLIENT_ID, clientSecret: SECRET });
    await expect(Promise.resolve(provider().getToken())).rejects.toBeInstanceOf(InvalidTokenResponseError);
    nock(HOST).post("/t").reply(200, { token_type: "Bearer" });
    await expect(Promise.resolve(provider().getToken())).rejects.toThrow(/no access_token/);
  });

  it("does not follow a redirect from the token endpoint", async () => {
    nock(HOST).post("/t").reply(302, "", { Location: "https://evil.example.net/steal" });
    const evil = nock("https://evil.example.net").post("/steal").reply(200, { access_token: "stolen" });
    const error = await Promise.resolve(oauthM2MCredentials({ host: HOST, tokenEndpoint: `${HOST}/t`, clientId: CLIENT_ID, clientSecret: SECRET }).getToken()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationFailedError);
    expect(evil.isDone()).toBe(false);
  });

  it("a workspace without OAuth (discovery 404) says so", async () => {
    nock(HOST).get("/oidc/.well-known/oauth-authorization-server").reply(404, "");
    await expect(Promise.resolve(oauthM2MCredentials({ host: HOST, clientId: CLIENT_ID, clientSecret: SECRET }).getToken())).rejects.toThrow(/not supported for this host/);
  });

  it("refuses plain-http hosts and discovery documents pointing at http", async () => {
    expect(() => oauthM2MCredentials({ host: "http://ws.example.com", clientId: CLIENT_ID, clientSecret: SECRET })).toThrow(/https/);
    nock(HOST).get("/oidc/.well-known/oauth-authorization-server").reply(200, { authorization_endpoint: "http://evil/a", token_endpoint: "http://evil/t" });
    await expect(Promise.resolve(oauthM2MCredentials({ host: HOST, clientId: CLIENT_ID, clientSecret: SECRET }).getToken())).rejects.toThrow(/non-https/);
  });

  it("is not configured without id or secret", () => {
    expect(() => oauthM2MCredentials({ host: HOST, clientId: "", clientSecret: SECRET })).toThrow(CredentialUnavailableError);
    expect(() => oauthM2MCredentials({ host: HOST, clientId: CLIENT_ID, clientSecret: "" })).toThrow(CredentialUnavailableError);
  });

  it("never shows the secret or the token in toString / inspect / JSON", async () => {
    nock(HOST).post("/t").reply(200, { access_token: "visible-nowhere-token", expires_in: 3600 });
    const provider = oauthM2MCredentials({ host: HOST, tokenEndpoint: `${HOST}/t`, clientId: CLIENT_ID, clientSecret: SECRET });
    const token = await provider.getToken();
    for (const text of [String(provider), inspect(provider, { depth: 5 }), JSON.stringify(provider), JSON.stringify(token), inspect(token), String(token)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain("visible-nowhere-token");
    }
    expect(token.accessToken).toBe("visible-nowhere-token");
  });
});
