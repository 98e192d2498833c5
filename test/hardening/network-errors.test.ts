/**
 * Issue 9, defects 4 and 5: network failures are typed SDK errors naming the host; a mutation
 * whose outcome is unknown says so; a dead server ends a wait with a resumable error instead of
 * looking like a slow operation; `wait({ timeoutMs })` bounds a poll already in flight.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createLakebaseClient, isLakebaseError, NetworkError, type OperationProgress } from "../../src/index.js";
import { deadPort, json, serversClosedAfterEach, within } from "./local-server.js";

const serve = serversClosedAfterEach(afterEach);

const fastRetry = { baseDelayMs: 5, maxDelayMs: 10, budgetMs: 2_000 };
const OP = "projects/p/branches/dev/operations/abc";

describe("network failures are typed", () => {
  it("a refused port is a NetworkError naming the host, after the retries", async () => {
    const port = await deadPort();
    const client = createLakebaseClient({ host: `http://127.0.0.1:${port}`, auth: "t", retry: fastRetry });
    const error = await client.projects.get("projects/p").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(isLakebaseError(error)).toBe(true);
    expect(error).toMatchObject({ host: `127.0.0.1:${port}`, method: "GET", path: "/api/2.0/postgres/projects/p", code: "ECONNREFUSED", outcomeUnknown: false });
    expect((error as Error).message).toContain(`could not connect to 127.0.0.1:${port} (ECONNREFUSED)`);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it("an unknown host is a NetworkError (the fetch's DNS failure, whatever fetch is used)", async () => {
    const dnsFailure = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }) });
    const client = createLakebaseClient({ host: "https://no-such-workspace.invalid", auth: "t", retry: fastRetry, fetch: () => Promise.reject(dnsFailure) });
    await expect(client.projects.get("projects/p")).rejects.toMatchObject({ name: "NetworkError", host: "no-such-workspace.invalid", code: "ENOTFOUND" });
  });

  it("a reset after a mutation was sent: not re-sent, and the error says the outcome is unknown", async () => {
    const server = await serve((req) => req.socket.destroy());
    const client = createLakebaseClient({ host: server.url, auth: "t", retry: fastRetry });
    const error = await client.branches.create("projects/p", "dev", { spec: { no_expiry: true } }).submitted().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ method: "POST", outcomeUnknown: true });
    expect((error as Error).message).toMatch(/may have done the work/);
    expect(server.requests.filter((r) => r.startsWith("POST"))).toHaveLength(1);
  });

  it("a reset in the middle of a body is a NetworkError, retried for a GET", async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls += 1;
      if (calls === 1) {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"name":"proj');
        setTimeout(() => res.socket?.destroy(), 10);
        return;
      }
      json(res, { name: "projects/p" });
    });
    const client = createLakebaseClient({ host: server.url, auth: "t", retry: fastRetry });
    await expect(client.projects.get("projects/p")).resolves.toMatchObject({ name: "projects/p" });
    expect(calls).toBe(2);
  });

  it("a 500 whose body breaks off keeps its status on the NetworkError (a POST: sent once, outcome unknown)", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(500, { "content-type": "application/json", "content-length": "100" });
      res.write('{"error_code":"INTERNAL_ERROR","mess');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const client = createLakebaseClient({ host: server.url, auth: "t", retry: fastRetry });
    const error = await client.projects.create("p", { spec: {} }).submitted().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ status: 500, outcomeUnknown: true });
    expect((error as Error).message).toMatch(/in the body of an HTTP 500 answer/);
    expect(server.requests.filter((r) => r.startsWith("POST"))).toHaveLength(1);
  });

  it("a host given with /api/2.0/postgres (or /api/2.0) is normalised, not doubled", async () => {
    const server = await serve((req, res) => json(res, { name: "projects/p", path: req.url }));
    for (const suffix of ["/api/2.0/postgres", "/api/2.0/postgres/", "/api/2.0"]) {
      const client = createLakebaseClient({ host: `${server.url}${suffix}`, auth: "t" });
      expect(client.host).toBe(server.url);
      await expect(client.projects.get("projects/p")).resolves.toMatchObject({ path: "/api/2.0/postgres/projects/p" });
    }
  });
});

describe("waits and dead servers", () => {
  it("a server that dies during wait(): a NetworkError carrying the operation name, long before the timeout; each failed poll reported", async () => {
    let alive = true;
    const server = await serve((req, res) => {
      if (req.method === "POST") return json(res, { name: OP, done: false });
      if (!alive) return req.socket.destroy();
      json(res, { name: OP, done: false });
      alive = false; // the first poll answers; the server is gone after it
    });
    const port = server.port;
    const client = createLakebaseClient({ host: server.url, auth: "t", retry: { baseDelayMs: 5, maxDelayMs: 10, budgetMs: 300 } });
    const handle = client.branches.create("projects/p", "dev", { spec: {} });
    await handle.submitted();
    await server.close();
    const progress: OperationProgress[] = [];
    const started = Date.now();
    const error = await within(handle.wait({ timeoutMs: 60_000, pollIntervalMs: 20, onProgress: (p) => progress.push(p) }).catch((e: unknown) => e), 10_000);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ operationName: OP, code: "ECONNREFUSED", host: `127.0.0.1:${port}` });
    expect((error as Error).message).toContain(`client.operations.resume("${OP}")`);
    expect(Date.now() - started).toBeLessThan(5_000);
    const failed = progress.filter((p) => p.error !== undefined);
    expect(failed.length).toBe(3);
    expect(failed.every((p) => p.error instanceof NetworkError)).toBe(true);
  });

  it("wait({ timeoutMs }) also bounds a poll in flight (a 1 s wait with an 8 s client timeout ends near 1 s)", async () => {
    const server = await serve((req, res) => {
      if (req.method === "POST") return json(res, { name: OP, done: false });
      setTimeout(() => json(res, { name: OP, done: false }), 6_000).unref();
    });
    const client = createLakebaseClient({ host: server.url, auth: "t", retry: false, timeoutMs: 8_000 });
    const started = Date.now();
    const error = await client.branches.create("projects/p", "dev", { spec: {} }).wait({ timeoutMs: 1_000 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ name: "OperationTimeoutError", operationName: OP });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2_500);
  });

  it("waitForReady ends on a dead server too, with the NetworkError", async () => {
    const port = await deadPort();
    const client = createLakebaseClient({ host: `http://127.0.0.1:${port}`, auth: "t", retry: { baseDelayMs: 5, maxDelayMs: 10, budgetMs: 100 } });
    const started = Date.now();
    await expect(client.endpoints.waitForReady("projects/p/branches/b/endpoints/e", { pollIntervalMs: 10, timeoutMs: 60_000 })).rejects.toBeInstanceOf(NetworkError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
