import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  BadRequestError,
  createLakebaseClient,
  waitForEndpointReady,
  InvalidResponseError,
  NotFoundError,
  OperationTimeoutError,
  ConflictError,
  WaitTimeoutError,
  ValidationError,
  type OperationProgress,
} from "../../../src/index.js";

const HOST = "https://ws.example.com";
const BASE = "/api/2.0/postgres";
const BR = "projects/p/branches/dev";
const OP = `${BR}/operations/Q2hhbmdl+Lzk/=`;
const FAST = { pollIntervalMs: 5, maxPollIntervalMs: 10 };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const client = (extra = {}) =>
  createLakebaseClient({ host: HOST, auth: "t", retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...extra });

const branch = { name: BR, parent: "projects/p", status: { current_state: "READY" } };
const pending = { name: OP, done: false, metadata: { "@type": "type.googleapis.com/databricks.postgres.v1.BranchOperationMetadata" } };
const doneWith = (response: unknown) => ({ ...pending, done: true, response });

function createBranchReturns(body: unknown) {
  return nock(HOST).post(`${BASE}/projects/p/branches`).query({ branch_id: "dev" }).reply(200, body as nock.Body);
}
function pollReturns(...bodies: unknown[]) {
  const scope = nock(HOST);
  for (const body of bodies) scope.get(`${BASE}/${OP}`).reply(200, body as nock.Body);
  return scope;
}

describe("long-running operations", () => {
  it("pending → pending → done: awaiting the handle yields the typed Branch, with progress events", async () => {
    createBranchReturns(pending);
    const polls = pollReturns(pending, { ...pending, metadata: { "@type": "x", progress: 50 } }, doneWith({ "@type": "type.googleapis.com/databricks.postgres.v1.Branch", ...branch }));
    const progress: OperationProgress[] = [];
    const handle = client().branches.create("projects/p", "dev", { spec: { no_expiry: true } });
    const result = await handle.wait({ ...FAST, onProgress: (p) => progress.push(p) });
    expect(result).toEqual(branch);
    expect(result).not.toHaveProperty("@type");
    expect(handle.name).toBe(OP);
    expect(handle.done).toBe(true);
    polls.done();
    // one report per poll (and one before the first), each with its state
    expect(progress.map((p) => [p.done, p.polls, p.state])).toEqual([
      [false, 0, "running"],
      [false, 1, "running"],
      [false, 2, "running"],
      [true, 3, "succeeded"],
    ]);
    // `changed` keeps the state-change view: initial pending, new metadata, done
    expect(progress.filter((p) => p.changed).map((p) => [p.done, p.polls])).toEqual([
      [false, 0],
      [false, 2],
      [true, 3],
    ]);
    expect(progress[2]?.metadata).toEqual({ "@type": "x", progress: 50 });
    expect(progress.every((p) => p.name === OP && p.elapsedMs >= 0)).toBe(true);
  });

  it("a plain `await` on the mutation waits for the result", async () => {
    createBranchReturns(pending);
    pollReturns(doneWith(branch));
    const created = await client().branches.create("projects/p", "dev", { spec: {} });
    expect(created.status?.current_state).toBe("READY");
  });

  it("an answer that is already done is final: no poll", async () => {
    const scope = createBranchReturns(doneWith(branch));
    expect(await client().branches.create("projects/p", "dev", { spec: {} })).toEqual(branch);
    scope.done();
  });

  it("awaiting the same handle twice polls once", async () => {
    createBranchReturns(pending);
    const polls = pollReturns(doneWith(branch));
    const handle = client().branches.create("projects/p", "dev", { spec: {} });
    const [a, b] = await Promise.all([handle, handle]);
    expect(a).toEqual(b);
    polls.done();
  });

  it("done with error throws the typed error class, carrying the operation name", async () => {
    createBranchReturns(pending);
    pollReturns({ ...pending, done: true, error: { error_code: "INVALID_PARAMETER_VALUE", message: "ttl too long" } });
    const error = await client().branches.create("projects/p", "dev", { spec: {} }).wait(FAST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).errorCode).toBe("INVALID_PARAMETER_VALUE");
    expect((error as BadRequestError).operationName).toBe(OP);
    expect((error as Error).message).toContain("ttl too long");
  });

  it("a delete that is done without a response succeeds with void; a create that does is an error", async () => {
    nock(HOST).delete(`${BASE}/${BR}`).reply(200, pending);
    pollReturns({ name: OP, done: true });
    await expect(client().branches.delete(BR).wait(FAST)).resolves.toBeUndefined();

    createBranchReturns(pending);
    pollReturns({ name: OP, done: true });
    await expect(client().branches.create("projects/p", "dev", { spec: {} }).wait(FAST)).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it("a poll that hits 503 is retried and the wait goes on", async () => {
    createBranchReturns(pending);
    nock(HOST).get(`${BASE}/${OP}`).reply(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" });
    pollReturns(doneWith(branch));
    expect(await client().branches.create("projects/p", "dev", { spec: {} }).wait(FAST)).toEqual(branch);
  });

  it("a poll that keeps failing with 5xx does not end the wait; the wait continues until done", async () => {
    createBranchReturns(pending);
    nock(HOST).get(`${BASE}/${OP}`).times(2).reply(500, { error_code: "INTERNAL_ERROR", message: "x" });
    pollReturns(doneWith(branch));
    const c = client({ retry: false });
    expect(await c.branches.create("projects/p", "dev", { spec: {} }).wait(FAST)).toEqual(branch);
  });

  it("a 404 mid-wait ends the wait at once with NotFoundError", async () => {
    createBranchReturns(pending);
    pollReturns(pending);
    nock(HOST).get(`${BASE}/${OP}`).reply(404, { error_code: "NOT_FOUND", message: "operation not found" });
    const later = pollReturns(doneWith(branch));
    await expect(client().branches.create("projects/p", "dev", { spec: {} }).wait(FAST)).rejects.toBeInstanceOf(NotFoundError);
    expect(later.isDone()).toBe(false);
  });

  it("a timeout hands back the operation name; a fresh client resumes the wait by name with its type", async () => {
    createBranchReturns(pending);
    nock(HOST).get(`${BASE}/${OP}`).times(100).reply(200, pending);
    const error = (await client()
      .branches.create("projects/p", "dev", { spec: {} })
      .wait({ ...FAST, timeoutMs: 60 })
      .catch((e: unknown) => e)) as OperationTimeoutError;
    expect(error).toBeInstanceOf(OperationTimeoutError);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.operationName).toBe(OP);
    expect(error.operationKind).toBe("CreateBranch");
    expect(error.message).toContain(`client.operations.resume("${OP}", "CreateBranch")`);
    nock.cleanAll();

    // Another process: only the name and kind survive.
    pollReturns(pending, doneWith(branch));
    const resumed = client().operations.resume(error.operationName, "CreateBranch");
    const result = await resumed.wait(FAST);
    expect(result.status?.current_state).toBe("READY");
  });

  it("resume by name alone: the resource as sent, or undefined for a delete (its response is Empty)", async () => {
    pollReturns({ name: OP, done: true, response: { "@type": "type.googleapis.com/databricks.postgres.v1.Branch", ...branch } });
    expect(await client().operations.resume(OP).wait(FAST)).toEqual(branch);
    pollReturns({ name: OP, done: true, response: { "@type": "type.googleapis.com/google.protobuf.Empty" } });
    expect(await client().operations.resume(OP).wait(FAST)).toBeUndefined();
  });

  it("resume with a kind refuses an operation that turns out to be of another kind, naming what it was", async () => {
    const endpoint = { name: `${BR}/endpoints/primary`, parent: BR };
    pollReturns({ name: OP, done: true, response: { "@type": "type.googleapis.com/databricks.postgres.v1.Endpoint", ...endpoint } });
    const wrong = await client().operations.resume(OP, "CreateBranch").wait(FAST).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ValidationError);
    expect((wrong as Error).message).toMatch(/finished with a Endpoint, but was resumed as CreateBranch \(which yields a Branch\)/);
    pollReturns({ name: OP, done: true, response: { "@type": "type.googleapis.com/google.protobuf.Empty" } });
    await expect(client().operations.resume(OP, "UpdateBranch").wait(FAST)).rejects.toThrow(/finished with no resource \(google.protobuf.Empty\)/);
    // The same resource from another mutation of it (an update resumed as a create) is a Branch all the same.
    pollReturns({ name: OP, done: true, response: { "@type": "type.googleapis.com/databricks.postgres.v1.Branch", ...branch } });
    expect(await client().operations.resume(OP, "CreateBranch").wait(FAST)).toEqual(branch);
  });

  it("resume refuses a bad name or a kind that is not a mutation", () => {
    expect(() => client().operations.resume("projects/p/branches/b", "CreateBranch")).toThrow(/operation name/);
    expect(() => client().operations.resume(OP, "GetBranch" as never)).toThrow(/kind/);
  });

  it("an abort during the sleep between polls ends the wait at once, with the abort reason", async () => {
    // Deterministic: the first poll is answered at once with a state change, so onProgress runs
    // with polls = 1 right before the ≥ 7.5 s sleep (10 s ± 25 %) begins; the abort comes 50 ms
    // into that sleep. Only the sleep honouring the signal can end the wait within a second.
    createBranchReturns(pending);
    let polled = 0;
    nock(HOST)
      .get(`${BASE}/${OP}`)
      .times(5)
      .reply(() => ((polled += 1), [200, { ...pending, metadata: { ...pending.metadata, progress: polled } }]));
    const controller = new AbortController();
    const reason = new Error("user cancelled");
    let abortedAt = 0;
    const wait = client()
      .branches.create("projects/p", "dev", { spec: {} })
      .wait({
        signal: controller.signal,
        pollIntervalMs: 10_000,
        maxPollIntervalMs: 10_000,
        onProgress: (p) => {
          if (p.polls === 1)
            setTimeout(() => {
              abortedAt = performance.now();
              controller.abort(reason);
            }, 50);
        },
      })
      .catch((e: unknown) => e);
    const outcome = await Promise.race([wait, new Promise((r) => setTimeout(() => r("still sleeping"), 3_000))]);
    expect(outcome).toBe(reason);
    expect(performance.now() - abortedAt).toBeLessThan(1_000);
    expect(polled).toBe(1);
  });

  it("an abort during a poll in flight ends the wait too", async () => {
    createBranchReturns(pending);
    nock(HOST).get(`${BASE}/${OP}`).delay(5_000).reply(200, pending);
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 100);
    const error = await client()
      .branches.create("projects/p", "dev", { spec: {} })
      .wait({ signal: controller.signal, pollIntervalMs: 10 })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("honours Retry-After on a poll: the next poll comes no sooner than asked", async () => {
    createBranchReturns(pending);
    const times: number[] = [];
    nock(HOST)
      .get(`${BASE}/${OP}`)
      .reply(() => {
        times.push(Date.now());
        return [200, pending, { "Retry-After": "1" }];
      });
    nock(HOST)
      .get(`${BASE}/${OP}`)
      .reply(() => {
        times.push(Date.now());
        return [200, doneWith(branch)];
      });
    await client().branches.create("projects/p", "dev", { spec: {} }).wait(FAST);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(990);
  });

  it("keeps the handle without waiting (--no-wait): submitted() gives the name, poll() refreshes", async () => {
    createBranchReturns(pending);
    pollReturns({ ...pending, done: true, response: branch });
    const handle = client().branches.create("projects/p", "dev", { spec: {} });
    const first = await handle.submitted();
    expect(first.name).toBe(OP);
    expect(handle.done).toBe(false);
    const polled = await handle.poll();
    expect(polled.done).toBe(true);
    expect(handle.done).toBe(true);
    expect(JSON.stringify(handle)).toBe(JSON.stringify({ name: OP, done: true }));
  });

  it("a fire-and-forget mutation that fails does not crash the process (no unhandled rejection)", async () => {
    const scope = nock(HOST).post(`${BASE}/projects/p/branches`).query(true).reply(400, { error_code: "BAD_REQUEST", message: "no" });
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", listener);
    try {
      const handle = client().branches.create("projects/p", "dev", { spec: {} });
      await new Promise((r) => setTimeout(r, 50));
      expect(scope.isDone()).toBe(true);
      expect(unhandled).toEqual([]);
      // The error is still there for whoever asks later.
      await expect(handle.submitted()).rejects.toBeInstanceOf(BadRequestError);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });

  it("the mutation's own error (not the wait's) arrives through the handle", async () => {
    nock(HOST).post(`${BASE}/projects/p/branches`).query(true).reply(409, { error_code: "ALREADY_EXISTS", message: "exists" });
    await expect(client().branches.create("projects/p", "dev", { spec: {} })).rejects.toBeInstanceOf(ConflictError);
  });
});

describe("endpoints: readiness after done, and the reconciliation conflict on delete", () => {
  const EP = "projects/p/branches/dev/endpoints/reader";

  it("waitForReady polls until ACTIVE/IDLE with no pending_state", async () => {
    const states = [
      { current_state: "INIT", pending_state: "ACTIVE" },
      { current_state: "ACTIVE", pending_state: "IDLE" },
      { current_state: "IDLE" },
    ];
    for (const status of states) nock(HOST).get(`${BASE}/${EP}`).reply(200, { name: EP, status });
    const seen: string[] = [];
    const endpoint = await client().endpoints.waitForReady(EP, {
      pollIntervalMs: 5,
      onPoll: (e) => seen.push(`${e.status?.current_state}/${e.status?.pending_state ?? "-"}`),
    });
    expect(endpoint.status?.current_state).toBe("IDLE");
    expect(seen).toEqual(["INIT/ACTIVE", "ACTIVE/IDLE", "IDLE/-"]);
  });

  it("waitForEndpointReady(client, name) is the same wait", async () => {
    nock(HOST).get(`${BASE}/${EP}`).reply(200, { name: EP, status: { current_state: "INIT", pending_state: "ACTIVE" } });
    nock(HOST).get(`${BASE}/${EP}`).reply(200, { name: EP, status: { current_state: "ACTIVE" } });
    expect((await waitForEndpointReady(client(), EP, { pollIntervalMs: 5 })).status?.current_state).toBe("ACTIVE");
  });

  it("waitForReady times out with the endpoint name, and stops at once on 404", async () => {
    nock(HOST).get(`${BASE}/${EP}`).times(50).reply(200, { name: EP, status: { current_state: "INIT" } });
    const error = (await client().endpoints.waitForReady(EP, { pollIntervalMs: 5, timeoutMs: 40 }).catch((e: unknown) => e)) as WaitTimeoutError;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.resource).toBe(EP);
    nock.cleanAll();
    nock(HOST).get(`${BASE}/${EP}`).reply(404, { error_code: "NOT_FOUND", message: "endpoint id not found" });
    await expect(client().endpoints.waitForReady(EP, { pollIntervalMs: 5 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("delete retries the documented 409 reconciliation conflict, and only that conflict", async () => {
    nock(HOST).delete(`${BASE}/${EP}`).reply(409, { error_code: "RESOURCE_CONFLICT", message: "Endpoint reconciliation still in progress" });
    nock(HOST).delete(`${BASE}/${EP}`).reply(200, { name: `${EP}/operations/abc`, done: true, response: { "@type": "type.googleapis.com/google.protobuf.Empty" } });
    await expect(client().endpoints.delete(EP)).resolves.toBeUndefined();

    const once = nock(HOST).delete(`${BASE}/${EP}`).reply(409, { error_code: "ALREADY_EXISTS", message: "something else" });
    await expect(client().endpoints.delete(EP).submitted()).rejects.toBeInstanceOf(ConflictError);
    once.done();
  });
});

describe("a failed operation whose error is server-side (5xx class) still ends the wait", () => {
  it("done with INTERNAL_ERROR throws InternalError at once instead of polling on", async () => {
    createBranchReturns(pending);
    const polls = pollReturns({ ...pending, done: true, error: { error_code: "INTERNAL_ERROR", message: "boom" } });
    const later = pollReturns(doneWith(branch));
    const error = await client().branches.create("projects/p", "dev", { spec: {} }).wait(FAST).catch((e: unknown) => e);
    expect((error as Error).name).toBe("InternalError");
    polls.done();
    expect(later.isDone()).toBe(false);
  });
});

describe("the handle behaves like a promise of its result", () => {
  it("supports catch() and finally() on the default wait", async () => {
    nock(HOST).post(`${BASE}/projects/p/branches`).query(true).reply(409, { error_code: "ALREADY_EXISTS", message: "exists" });
    let finished = false;
    const caught = await client()
      .branches.create("projects/p", "dev", { spec: {} })
      .finally(() => (finished = true))
      .catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(ConflictError);
    expect(finished).toBe(true);
  });
});
