/**
 * Issue 9, defect 7: token edge cases. Staggered 401s for one revoked token share one forced
 * refresh; the 403 "Invalid access token." is a stale token; nonsense lifetimes are typed errors;
 * a stalled token body is reported as a timeout.
 */
import type http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createLakebaseClient, PermissionDeniedError } from "../../src/index.js";
import { oauthM2MCredentials, AuthenticationFailedError, InvalidTokenResponseError } from "../../src/auth/index.js";
import { json, serversClosedAfterEach, stallBody } from "./local-server.js";

const serve = serversClosedAfterEach(afterEach);

/** A workspace whose token endpoint hands out tok-1, tok-2, …; the API accepts only `valid`'s tokens. */
async function workspace(options: { rejectWith: (res: http.ServerResponse) => void; apiDelayMs?: (n: number) => number; tokenBody?: (n: number) => unknown }) {
  let issued = 0;
  const valid = new Set<string>();
  let apiCalls = 0;
  const server = await serve((req, res) => {
    if (req.url?.startsWith("/oidc/v1/token")) {
      issued += 1;
      const token = `tok-${issued}`;
      if (issued > 1) valid.add(token); // the first token is revoked before it is used
      return json(res, options.tokenBody?.(issued) ?? { access_token: token, token_type: "Bearer", expires_in: 3600 });
    }
    const n = apiCalls++;
    const answer = () => {
      const token = req.headers.authorization?.replace(/^Bearer /, "") ?? "";
      if (!valid.has(token)) return options.rejectWith(res);
      json(res, { name: "projects/p" });
    };
    const delay = options.apiDelayMs?.(n) ?? 0;
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
  const auth = oauthM2MCredentials({ host: server.url, clientId: "id", clientSecret: "secret", tokenEndpoint: `${server.url}/oidc/v1/token`, retry: false });
  return { server, auth, tokenRequests: () => issued };
}

describe("token edge cases", () => {
  it("1,000 calls with a revoked token whose 401s arrive over 1 s cost one forced refresh, not one each", async () => {
    const ws = await workspace({
      rejectWith: (res) => json(res, { error_code: "UNAUTHENTICATED", message: "Token is revoked" }, 401),
      apiDelayMs: (n) => (n < 1_000 ? n : 0), // the 401s are spread over a second
    });
    const client = createLakebaseClient({ host: ws.server.url, auth: ws.auth, retry: false, timeoutMs: 20_000 });
    const results = await Promise.all(Array.from({ length: 1_000 }, () => client.projects.get("projects/p")));
    expect(results.every((r) => r.name === "projects/p")).toBe(true);
    // one token for the first wave, one forced refresh for every 401 of it
    expect(ws.tokenRequests()).toBe(2);
  }, 30_000);

  it('a 403 "Invalid access token." is a stale token: refreshed once and replayed', async () => {
    const ws = await workspace({ rejectWith: (res) => json(res, { error_code: "PERMISSION_DENIED", message: "Invalid access token." }, 403) });
    const client = createLakebaseClient({ host: ws.server.url, auth: ws.auth, retry: false });
    await expect(client.projects.get("projects/p")).resolves.toMatchObject({ name: "projects/p" });
    expect(ws.tokenRequests()).toBe(2);
  });

  it("any other 403 is a permission error: no refresh, no replay", async () => {
    let apiCalls = 0;
    const server = await serve((req, res) => {
      if (req.url?.startsWith("/oidc/v1/token")) return json(res, { access_token: "tok", token_type: "Bearer", expires_in: 3600 });
      apiCalls += 1;
      json(res, { error_code: "PERMISSION_DENIED", message: "User has no CAN_MANAGE on project p" }, 403);
    });
    const auth = oauthM2MCredentials({ host: server.url, clientId: "id", clientSecret: "secret", tokenEndpoint: `${server.url}/oidc/v1/token`, retry: false });
    const client = createLakebaseClient({ host: server.url, auth, retry: false });
    await expect(client.projects.get("projects/p")).rejects.toBeInstanceOf(PermissionDeniedError);
    expect(apiCalls).toBe(1);
  });

  it.each([
    ["0", 0],
    ["negative", -5],
    ['"soon"', "soon"],
  ])("expires_in %s is a typed InvalidTokenResponseError, not a token cached forever or refreshed per call", async (_label, expiresIn) => {
    let tokenRequests = 0;
    const server = await serve((req, res) => {
      if (req.url?.startsWith("/oidc/v1/token")) {
        tokenRequests += 1;
        return json(res, { access_token: "tok", token_type: "Bearer", expires_in: expiresIn });
      }
      json(res, { name: "projects/p" });
    });
    const auth = oauthM2MCredentials({ host: server.url, clientId: "id", clientSecret: "secret", tokenEndpoint: `${server.url}/oidc/v1/token`, retry: false });
    const client = createLakebaseClient({ host: server.url, auth, retry: false });
    const error = await client.projects.get("projects/p").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenResponseError);
    expect((error as Error).message).toMatch(/expires_in .* must be a positive number of seconds/);
    expect(tokenRequests).toBe(1);
  });

  it('a stalled token body is reported as a timeout, not "not JSON"', async () => {
    const server = await serve((_req, res) => stallBody(res));
    const auth = oauthM2MCredentials({ host: server.url, clientId: "id", clientSecret: "secret", tokenEndpoint: `${server.url}/oidc/v1/token`, retry: false, timeoutMs: 200 });
    const error = await Promise.resolve(auth.getToken()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationFailedError);
    expect((error as Error).message).toMatch(/\(timeout\)/);
    expect((error as Error).message).not.toMatch(/not JSON/);
  });
});
