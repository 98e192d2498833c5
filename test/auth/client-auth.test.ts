import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, UnauthenticatedError, type TokenProvider } from "../../src/index.js";
import { chainCredentials, oauthM2MCredentials, patCredentials, type NamedTokenProvider } from "../../src/auth/index.js";

const HOST = "https://ws.example.com";

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe("providers through the real client", () => {
  it("a 401 forces one token refresh and the request is replayed once with the new token", async () => {
    let issued = 0;
    const token = nock(HOST)
      .post("/oidc/v1/token")
      .times(2)
      .reply(() => [200, { access_token: `access-${++issued}`, expires_in: 3600 }]);
    const seen: string[] = [];
    nock(HOST)
      .get("/api/2.0/postgres/projects/p")
      .times(2)
      .reply(function () {
        seen.push(String(this.req.headers.authorization));
        return seen.length === 1 ? [401, { error_code: "UNAUTHENTICATED", message: "Token expired" }] : [200, { name: "projects/p" }];
      });
    const auth = oauthM2MCredentials({ host: HOST, tokenEndpoint: `${HOST}/oidc/v1/token`, clientId: "id", clientSecret: "secret" });
    const client = createLakebaseClient({ host: HOST, auth, retry: false });
    expect((await client.projects.get("projects/p")).name).toBe("projects/p");
    expect(seen).toEqual(["Bearer access-1", "Bearer access-2"]);
    token.done();
  });

  it("1,000 concurrent requests arriving as the token expires cause exactly one token request", async () => {
    const clock = { now: 5_000_000 };
    let issued = 0;
    nock(HOST)
      .post("/oidc/v1/token")
      .times(5)
      .reply(() => [200, { access_token: `access-${++issued}`, expires_in: 3600 }]);
    const auth = oauthM2MCredentials({ host: HOST, tokenEndpoint: `${HOST}/oidc/v1/token`, clientId: "id", clientSecret: "secret", clock: () => clock.now });
    const client = createLakebaseClient({ host: HOST, auth, retry: false });
    const headers: string[] = [];
    nock(HOST)
      .get("/api/2.0/postgres/projects/p")
      .times(1001)
      .reply(function () {
        headers.push(String(this.req.headers.authorization));
        return [200, { name: "projects/p" }];
      });
    await client.projects.get("projects/p");
    expect(issued).toBe(1);
    clock.now += 3600 * 1000 - 1; // the token is about to expire
    await Promise.all(Array.from({ length: 1000 }, () => client.projects.get("projects/p")));
    expect(issued).toBe(2);
    expect(new Set(headers.slice(1))).toEqual(new Set(["Bearer access-2"]));
  });

  it("a PAT 401 is final (no pointless replay)", async () => {
    const api = nock(HOST).get("/api/2.0/postgres/projects/p").reply(401, { error_code: "UNAUTHENTICATED", message: "bad" });
    const client = createLakebaseClient({ host: HOST, auth: patCredentials({ token: "dapi-static" }), retry: false });
    await expect(client.projects.get("projects/p")).rejects.toBeInstanceOf(UnauthenticatedError);
    api.done();
  });
});

describe("a chain that selected a static token", () => {
  it("does not replay a 401 (no refresh can cure it)", async () => {
    let sent = 0;
    nock(HOST)
      .get("/api/2.0/postgres/projects/p")
      .times(3)
      .reply(() => ((sent += 1), [401, { error_code: "UNAUTHENTICATED", message: "bad token" }]));
    const chain = chainCredentials([{ name: "pat", create: () => patCredentials({ token: "dapi-x" }) }]);
    const client = createLakebaseClient({ host: HOST, auth: chain, retry: false });
    await expect(client.projects.get("projects/p")).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(client.projects.get("projects/p")).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(sent).toBe(2);
    expect(chain.refreshable).toBe(false);
  });
});

/**
 * The contract of token-provider.ts: after a 401 the client asks once more with
 * `forceRefresh: true` and replays once. A chain passes that question to the provider it
 * selected, so an OAuth provider behind a chain must see the forced refresh.
 */
describe("a chain that selected OAuth", () => {
  /** A refreshable provider that records what it was asked and hands out numbered tokens. */
  function oauthLike() {
    const asked: boolean[] = [];
    const provider: NamedTokenProvider = {
      name: "oauth-m2m",
      getToken: (options) => {
        asked.push(options?.forceRefresh === true);
        return { accessToken: `oauth-${asked.length}`, expiresAt: Date.now() + 3_600_000 };
      },
    };
    return { provider, asked };
  }

  function apiAnswers401Then200() {
    const seen: string[] = [];
    nock(HOST)
      .get("/api/2.0/postgres/projects/p")
      .times(2)
      .reply(function () {
        seen.push(String(this.req.headers.authorization));
        return seen.length === 1 ? [401, { error_code: "UNAUTHENTICATED", message: "Token expired" }] : [200, { name: "projects/p" }];
      });
    return seen;
  }

  it("replays a 401 with a forced refresh when the selection happens on that very request", async () => {
    const { provider, asked } = oauthLike();
    const chain = chainCredentials([
      { name: "pat", create: () => patCredentials({ env: {} }) },
      { name: "oauth-m2m", create: () => provider },
    ]);
    const seen = apiAnswers401Then200();
    const client = createLakebaseClient({ host: HOST, auth: chain, retry: false });
    expect((await client.projects.get("projects/p")).name).toBe("projects/p");
    expect(seen).toEqual(["Bearer oauth-1", "Bearer oauth-2"]);
    // the selection's dry run, then the forced refresh after the 401
    expect(asked).toEqual([false, true]);
    expect(chain.name).toBe("oauth-m2m");
    expect(chain.refreshable).toBe(true);
  });

  it("replays a 401 with a forced refresh once the chain has already selected", async () => {
    const { provider, asked } = oauthLike();
    const chain = chainCredentials([{ name: "oauth-m2m", create: () => provider }]);
    await chain.resolve();
    const seen = apiAnswers401Then200();
    const client = createLakebaseClient({ host: HOST, auth: chain, retry: false });
    expect((await client.projects.get("projects/p")).name).toBe("projects/p");
    expect(seen).toEqual(["Bearer oauth-2", "Bearer oauth-3"]);
    expect(asked).toEqual([false, false, true]);
  });

  it("through a real OAuth token endpoint: the replay carries a newly issued token", async () => {
    let issued = 0;
    const tokens = nock(HOST)
      .post("/oidc/v1/token")
      .times(2)
      .reply(() => [200, { access_token: `access-${++issued}`, expires_in: 3600 }]);
    const chain = chainCredentials([
      { name: "pat", create: () => patCredentials({ env: {} }) },
      { name: "oauth-m2m", create: () => oauthM2MCredentials({ host: HOST, tokenEndpoint: `${HOST}/oidc/v1/token`, clientId: "id", clientSecret: "secret" }) },
    ]);
    const seen = apiAnswers401Then200();
    const client = createLakebaseClient({ host: HOST, auth: chain, retry: false });
    expect((await client.projects.get("projects/p")).name).toBe("projects/p");
    expect(seen).toEqual(["Bearer access-1", "Bearer access-2"]);
    tokens.done();
  });
});

describe("a 401 is replayed once, not twice", () => {
  it("a refreshable provider whose fresh token is also refused: two requests, two tokens, then UnauthenticatedError", async () => {
    const asked: boolean[] = [];
    const provider: TokenProvider = {
      getToken: (options) => {
        asked.push(options?.forceRefresh === true);
        return { accessToken: `t-${asked.length}` };
      },
    };
    const seen: string[] = [];
    const api = nock(HOST)
      .get("/api/2.0/postgres/projects/p")
      .times(3)
      .reply(function () {
        seen.push(String(this.req.headers.authorization));
        return [401, { error_code: "UNAUTHENTICATED", message: "refused" }];
      });
    const client = createLakebaseClient({ host: HOST, auth: provider, retry: false });
    const error = await client.projects.get("projects/p").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as UnauthenticatedError).status).toBe(401);
    expect(seen).toEqual(["Bearer t-1", "Bearer t-2"]);
    expect(asked).toEqual([false, true]);
    expect(api.isDone()).toBe(false); // the third reply was never asked for
  });

  it("the same through a chain that selected OAuth", async () => {
    let n = 0;
    const chain = chainCredentials([{ name: "oauth", create: () => ({ name: "oauth-m2m", getToken: () => ({ accessToken: `c-${++n}` }) }) }]);
    let sent = 0;
    nock(HOST)
      .get("/api/2.0/postgres/projects/p")
      .times(3)
      .reply(() => ((sent += 1), [401, { error_code: "UNAUTHENTICATED", message: "refused" }]));
    const client = createLakebaseClient({ host: HOST, auth: chain, retry: false });
    await expect(client.projects.get("projects/p")).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(sent).toBe(2);
  });
});
