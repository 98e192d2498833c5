import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCoreClient, createLakebaseClient, RequestTimeoutError, ValidationError, type TokenProvider } from "../../src/index.js";
import { getPgConfig, isWakeUpError } from "../../src/postgres/index.js";

const HOST = "https://ws.example.com";
const BASE = "/api/2.0/postgres";
const OP = "projects/p/branches/dev/operations/abc";

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe("waits", () => {
  it("a poll answered 429 + Retry-After (given back by the transport) is not repeated sooner than asked", async () => {
    nock(HOST).post(`${BASE}/projects/p/branches`).query(true).reply(200, { name: OP, done: false });
    const times: number[] = [];
    nock(HOST)
      .get(`${BASE}/${OP}`)
      .twice()
      .reply(() => {
        times.push(Date.now());
        return [429, { error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" }, { "Retry-After": "1" }];
      });
    nock(HOST).get(`${BASE}/${OP}`).reply(200, { name: OP, done: true, response: { name: "projects/p/branches/dev" } });
    const c = createLakebaseClient({ host: HOST, auth: "t", retry: false });
    await c.branches.create("projects/p", "dev", { spec: {} }).wait({ pollIntervalMs: 5 });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(990);
  });

  it("refuses wait options that would never time out or would poll in a tight loop", async () => {
    nock(HOST).post(`${BASE}/projects/p/branches`).query(true).reply(200, { name: OP, done: false });
    const c = createLakebaseClient({ host: HOST, auth: "t", retry: false });
    const handle = c.branches.create("projects/p", "dev", { spec: {} });
    await expect(handle.wait({ timeoutMs: Number.NaN })).rejects.toBeInstanceOf(ValidationError);
    await expect(handle.wait({ pollIntervalMs: 0 })).rejects.toThrow(/pollIntervalMs/);
    await expect(c.endpoints.waitForReady("projects/p/branches/b/endpoints/e", { pollIntervalMs: -5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(c.endpoints.delete("projects/p/branches/b/endpoints/e", { reconciliationTimeoutMs: Number.NaN }).submitted()).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("transport", () => {
  it("a body that stalls after the headers is a typed RequestTimeoutError", async () => {
    nock(HOST).get(`${BASE}/projects/p`).delayBody(1_000).reply(200, { name: "projects/p" });
    const c = createLakebaseClient({ host: HOST, auth: "t", retry: false, timeoutMs: 100 });
    await expect(c.projects.get("projects/p")).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it("retries of a GET end inside the budget", async () => {
    nock(HOST).get(`${BASE}/projects/p`).times(5).delay(400).reply(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" });
    const c = createLakebaseClient({ host: HOST, auth: "t", retry: { budgetMs: 600, baseDelayMs: 1, maxDelayMs: 2 } });
    const started = Date.now();
    await expect(c.projects.get("projects/p")).rejects.toThrow(/TEMPORARILY_UNAVAILABLE/);
    expect(Date.now() - started).toBeLessThan(1_400); // without the bound: 5 attempts × 400 ms
  });

  it("does not retry the SDK's own auth/config errors", async () => {
    let calls = 0;
    const provider: TokenProvider = {
      getToken: () => {
        calls += 1;
        throw new ValidationError("client_secret", "is wrong");
      },
    };
    const c = createLakebaseClient({ host: HOST, auth: provider, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    await expect(c.projects.get("projects/p")).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toBe(1);
  });

  it("refuses operation names a URL parser would reinterpret (no path traversal with the token)", async () => {
    let sent = 0;
    const c = createLakebaseClient({ host: HOST, auth: "t", fetch: (request) => ((sent += 1), fetch(request)) });
    for (const name of ["%2e%2e/%2e%2e/api/2.0/secrets/operations/a", "projects/p/../../x/operations/a", "projects\\p/operations/a", "projects/p/operations/a?x=1"]) {
      await expect(c.operations.get(name)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(sent).toBe(0);
  });

  it("currentUser: a non-JSON answer is an InvalidResponseError", async () => {
    nock(HOST).get("/api/2.0/preview/scim/v2/Me").reply(200, "<html/>");
    const c = createLakebaseClient({ host: HOST, auth: "t" });
    await expect(c.currentUser()).rejects.toMatchObject({ name: "InvalidResponseError" });
  });
});

describe("postgres config safety", () => {
  // The pool layer calls the generated functions on any client, so the workspace is stood in for
  // at the fetch: every endpoint GET answers this host, SCIM Me answers this user.
  const client = createCoreClient({
    host: HOST,
    auth: "t",
    fetch: async (request) =>
      Response.json(
        new URL(request.url).pathname === "/api/2.0/preview/scim/v2/Me"
          ? { userName: "me@example.com" }
          : { status: { hosts: { host: "ep-other.database.us-east-2.cloud.databricks.com" } } },
      ),
  });

  it("PGHOST applies only to LAKEBASE_ENDPOINT, never to another endpoint", async () => {
    const env = { PGHOST: "ep-app.database.us-east-2.cloud.databricks.com", LAKEBASE_ENDPOINT: "projects/app/branches/main/endpoints/rw" };
    const other = await getPgConfig({ client, endpoint: "projects/other/branches/main/endpoints/rw", env });
    expect(other.host).toBe("ep-other.database.us-east-2.cloud.databricks.com");
    const app = await getPgConfig({ client, env });
    expect(app.host).toBe("ep-app.database.us-east-2.cloud.databricks.com");
  });

  it("refuses to turn TLS off for a real host", async () => {
    await expect(getPgConfig({ client, endpoint: "projects/p/branches/b/endpoints/e", env: { PGSSLMODE: "disable" } })).rejects.toThrow(/PGSSLMODE/);
    await expect(getPgConfig({ client, endpoint: "projects/p/branches/b/endpoints/e", ssl: false, env: {} })).rejects.toThrow(/TLS cannot be turned off/);
  });

  it("classifies pg-pool's wrapped connect timeout as wake-up, a full pool as not", () => {
    const wrapped = Object.assign(new Error("Connection terminated due to connection timeout"), { cause: new Error("Connection terminated unexpectedly") });
    expect(isWakeUpError(wrapped)).toBe(true);
    expect(isWakeUpError(new Error("timeout exceeded when trying to connect"))).toBe(false);
    expect(isWakeUpError(Object.assign(new Error("password authentication failed"), { code: "28P01" }))).toBe(false);
  });
});

