import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, oauthM2MCredentials, patCredentials, UnauthenticatedError } from "../../src/index.js";

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
  it("does not replay a 401 (no refresh can cure it); a chain that selected OAuth does", async () => {
    const { chainCredentials } = await import("../../src/index.js");
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
