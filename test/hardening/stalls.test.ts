/**
 * Issue 9, defect 1: a response that sends its headers and then stalls must end at the SDK's
 * timeout even after garbage collections (which dropped the runtime's abort links on Node 20),
 * for API calls, polls, the token endpoint and the database-credential request.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createLakebaseClient, RequestTimeoutError } from "../../src/index.js";
import { oauthM2MCredentials, AuthenticationFailedError } from "../../src/auth/index.js";
import { databaseCredentialProvider } from "../../src/postgres/index.js";
import { serversClosedAfterEach, settleUnderGc, stallBody, within } from "./local-server.js";

const serve = serversClosedAfterEach(afterEach);
const stallingApi = (handler?: Parameters<typeof serve>[0]) => serve(handler ?? ((_req, res) => stallBody(res)));

describe("a stalled body ends at the timeout, with garbage collections during the stall", () => {
  it("GET", async () => {
    const server = await stallingApi();
    const client = createLakebaseClient({ host: server.url, auth: "t", retry: false, timeoutMs: 300 });
    const started = Date.now();
    const outcome = await within(settleUnderGc(client.projects.get("projects/p")), 4_000);
    expect(outcome).toBeInstanceOf(RequestTimeoutError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a mutation (not re-sent: the server may have done the work)", async () => {
    const server = await stallingApi();
    const client = createLakebaseClient({ host: server.url, auth: "t", timeoutMs: 300 });
    const outcome = await within(settleUnderGc(client.branches.create("projects/p", "dev", { spec: { no_expiry: true } }).submitted()), 4_000);
    expect(outcome).toBeInstanceOf(RequestTimeoutError);
    expect(server.requests.filter((r) => r.startsWith("POST"))).toHaveLength(1);
  });

  it("an operation poll (the wait's own deadline ends it with the resumable name)", async () => {
    const op = "projects/p/branches/dev/operations/abc";
    const server = await stallingApi((req, res) => {
      if (req.method === "POST") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name: op, done: false }));
      } else stallBody(res);
    });
    const client = createLakebaseClient({ host: server.url, auth: "t", retry: false, timeoutMs: 60_000 });
    const outcome = await within(settleUnderGc(client.branches.create("projects/p", "dev", { spec: {} }).wait({ timeoutMs: 500 })), 4_000);
    expect(outcome).toMatchObject({ name: "OperationTimeoutError", operationName: op });
  });

  it("the token endpoint: the refresh fails at its deadline and the next call gets a fresh token once the endpoint recovers", async () => {
    let stall = true;
    let tokenRequests = 0;
    const server = await stallingApi((req, res) => {
      if (req.url?.startsWith("/oidc/v1/token")) {
        tokenRequests += 1;
        if (stall) return stallBody(res);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: "fresh", token_type: "Bearer", expires_in: 3600 }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name: "projects/p", auth: req.headers.authorization }));
    });
    const auth = oauthM2MCredentials({ host: server.url, clientId: "id", clientSecret: "secret", tokenEndpoint: `${server.url}/oidc/v1/token`, timeoutMs: 200, retry: false });
    const client = createLakebaseClient({ host: server.url, auth, retry: false, timeoutMs: 5_000 });
    const first = await within(settleUnderGc(client.projects.get("projects/p")), 4_000);
    expect(first).toBeInstanceOf(AuthenticationFailedError);
    expect(String((first as Error).message)).toMatch(/timeout/);
    stall = false;
    const second = await within(client.projects.get("projects/p"), 4_000);
    expect(second).toMatchObject({ name: "projects/p", auth: "Bearer fresh" });
    expect(tokenRequests).toBe(2);
  });

  it("the database credential: a stalled mint frees its slot at the deadline; the next caller starts a fresh one", async () => {
    let stall = true;
    let mints = 0;
    const server = await stallingApi((req, res) => {
      mints += 1;
      if (stall) return stallBody(res);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: "pg-password", expire_time: new Date(Date.now() + 3_600_000).toISOString() }));
    });
    // The client's own timeout is far away: the mint's deadline is what must free the slot.
    const client = createLakebaseClient({ host: server.url, auth: "t", retry: false, timeoutMs: 60_000 });
    const credentials = databaseCredentialProvider({ client, endpoint: "projects/p/branches/b/endpoints/e", mintTimeoutMs: 300 });
    const first = await within(settleUnderGc(credentials.getPassword()), 4_000);
    expect(first).toBeInstanceOf(RequestTimeoutError);
    stall = false;
    expect(await within(credentials.getPassword(), 4_000)).toBe("pg-password");
    expect(mints).toBe(2);
  });
});

describe("a per-call timeoutMs (CallOptions)", () => {
  it("bounds each attempt of that call instead of the client's, retries included", async () => {
    const server = await stallingApi();
    const client = createLakebaseClient({ host: server.url, auth: "t", timeoutMs: 60_000, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    const started = Date.now();
    const outcome = await within(settleUnderGc(client.projects.get("projects/p", { timeoutMs: 200 })), 4_000);
    expect(outcome).toBeInstanceOf(RequestTimeoutError);
    expect((outcome as RequestTimeoutError).timeoutMs).toBe(200);
    expect(server.requests).toHaveLength(2); // the GET was retried, under the same per-call timeout
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a timeoutMs that is not a positive number is a ValidationError, before any request", async () => {
    const server = await stallingApi();
    const client = createLakebaseClient({ host: server.url, auth: "t" });
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(client.projects.get("projects/p", { timeoutMs })).rejects.toMatchObject({ name: "ValidationError", field: "timeoutMs" });
    }
    expect(server.requests).toHaveLength(0);
  });
});
