/*
 * The operation handle is a real Promise of its result (issue 10): returnable where a Promise is
 * expected, `instanceof Promise`, derived promises are plain Promises, and nothing is polled until
 * someone awaits it.
 */
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { BadRequestError, ConflictError, createLakebaseClient, OperationHandle, type Branch } from "../../../src/index.js";

const HOST = "https://ws.example.com";
const BASE = "/api/2.0/postgres";
const BR = "projects/p/branches/dev";
const OP = `${BR}/operations/op-1`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const client = () => createLakebaseClient({ host: HOST, auth: "t", retry: { baseDelayMs: 1, maxDelayMs: 5 } });
const branch = { name: BR, parent: "projects/p", status: { current_state: "READY" } };
const pending = { name: OP, done: false };
const done = { name: OP, done: true, response: { "@type": "type.googleapis.com/databricks.postgres.v1.Branch", ...branch } };

function createAnswers(body: object) {
  return nock(HOST).post(`${BASE}/projects/p/branches`).query({ branch_id: "dev" }).reply(200, body);
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

describe("the operation handle is a Promise", () => {
  it("is an instance of Promise and of OperationHandle; derived promises are plain Promises", async () => {
    createAnswers(done);
    const handle = client().branches.create("projects/p", "dev", { spec: {} });
    expect(handle).toBeInstanceOf(Promise);
    expect(handle).toBeInstanceOf(OperationHandle);
    const derived = handle.then((b) => b.name);
    expect(derived).toBeInstanceOf(Promise);
    expect(derived).not.toBeInstanceOf(OperationHandle);
    expect(derived.constructor).toBe(Promise);
    expect(handle.catch(() => undefined).constructor).toBe(Promise);
    expect(handle.finally(() => undefined).constructor).toBe(Promise);
    expect(await derived).toBe(BR);
  });

  it("can be returned from an async function typed Promise<Branch>", async () => {
    createAnswers(pending);
    nock(HOST).get(`${BASE}/${OP}`).reply(200, done);
    const c = client();
    const createDev = async (): Promise<Branch> => c.branches.create("projects/p", "dev", { spec: {} });
    const plain = (): Promise<Branch> => c.branches.create("projects/p", "dev", { spec: {} });
    expect(await createDev()).toEqual(branch);
    expect(plain()).toBeInstanceOf(Promise);
  });

  it("polls nothing until awaited; then, catch and finally share one wait", async () => {
    createAnswers(pending);
    let polls = 0;
    nock(HOST)
      .get(`${BASE}/${OP}`)
      .times(3)
      .reply(() => ((polls += 1), [200, done]));
    const handle = client().branches.create("projects/p", "dev", { spec: {} });
    await handle.submitted();
    await tick();
    expect(polls).toBe(0); // the mutation went out, no poll yet
    let finished = 0;
    const results = await Promise.all([handle, handle.then((b) => b.name), handle.catch(() => "x"), handle.finally(() => (finished += 1)), Promise.resolve(handle)]);
    expect(results).toEqual([branch, BR, branch, branch, branch]);
    expect(finished).toBe(1);
    expect(polls).toBe(1);
  });

  it("works with Promise.race, Promise.allSettled and a rejected wait", async () => {
    nock(HOST).post(`${BASE}/projects/p/branches`).query(true).reply(409, { error_code: "ALREADY_EXISTS", message: "exists" });
    const handle = client().branches.create("projects/p", "dev", { spec: {} });
    const [settled] = await Promise.allSettled([handle]);
    expect(settled.status).toBe("rejected");
    expect((settled as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    await expect(Promise.race([handle, new Promise(() => {})])).rejects.toBeInstanceOf(ConflictError);
    const caught = await handle.catch((e: Error) => e.name);
    expect(caught).toBe("AlreadyExistsError");
  });

  it("a handle nobody awaits never polls and never rejects; an awaited one that fails is handled where it is awaited", async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", listener);
    try {
      // Never awaited: the POST fails, nothing else happens.
      nock(HOST).post(`${BASE}/projects/p/branches`).query(true).reply(400, { error_code: "INVALID_PARAMETER_VALUE", message: "no" });
      const ignored = client().branches.create("projects/p", "dev", { spec: {} });
      // Awaited with a handler: the failure reaches the handler and nowhere else.
      createAnswers(pending);
      nock(HOST).get(`${BASE}/${OP}`).reply(200, { name: OP, done: true, error: { error_code: "INVALID_PARAMETER_VALUE", message: "bad" } });
      const awaited = client().branches.create("projects/p", "dev", { spec: {} });
      const seen = await awaited.then(
        () => "resolved",
        (e: unknown) => e,
      );
      expect(seen).toBeInstanceOf(BadRequestError);
      await tick();
      expect(unhandled).toEqual([]);
      await expect(ignored.submitted()).rejects.toBeInstanceOf(BadRequestError);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });

  it("wait(options) does not start the default wait; a later await starts it once, from the state already seen", async () => {
    createAnswers(pending);
    let polls = 0;
    nock(HOST)
      .get(`${BASE}/${OP}`)
      .times(3)
      .reply(() => ((polls += 1), [200, done]));
    const handle = client().branches.create("projects/p", "dev", { spec: {} });
    expect(await handle.wait({ pollIntervalMs: 5 })).toEqual(branch);
    expect(polls).toBe(1);
    expect(await handle).toEqual(branch);
    expect(await handle).toEqual(branch);
    expect(polls).toBe(1); // the state seen by wait() is done with its response: final, no poll
    expect(handle.toJSON()).toEqual({ name: OP, done: true });
  });
});

describe("Promise's statics on the handle class", () => {
  it("say what to use instead of building a broken handle", () => {
    expect(() => OperationHandle.resolve(1)).toThrow(/Promise\.resolve/);
  });
});
