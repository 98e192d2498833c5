// The debug logger (LAKEBASE_SDK_DEBUG, the `debug` option) and the isolation of listeners: a
// hook that throws never breaks the call it observes.
import nock from "nock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCoreClient, createLakebaseClient } from "../../src/index.js";
import { contextOf } from "../../src/ops/context.js";
import { BASE, HOST, PAT, recordingClient } from "./harness.js";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function stderrLines() {
  const lines: string[] = [];
  vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
  return lines;
}

describe("the debug logger", () => {
  it("is off by default: nothing on stderr, and a client without listeners builds no events at all", async () => {
    vi.stubEnv("LAKEBASE_SDK_DEBUG", "");
    const lines = stderrLines();
    nock(HOST).get(`${BASE}/projects/p`).reply(200, { name: "projects/p" });
    const client = createLakebaseClient({ host: HOST, auth: PAT });
    await client.projects.get("projects/p");
    expect(lines).toEqual([]);
    expect(contextOf(client).events).toBeUndefined();
    expect(contextOf(createCoreClient({ host: HOST, auth: PAT })).events).toBeUndefined();
  });

  it("LAKEBASE_SDK_DEBUG=1 writes one line per event to console.error, as JSON after a prefix, without bodies", async () => {
    vi.stubEnv("LAKEBASE_SDK_DEBUG", "1");
    const lines = stderrLines();
    nock(HOST).get(`${BASE}/projects/p`).reply(200, { name: "projects/p" }, { "x-request-id": "req-7" });
    await createLakebaseClient({ host: HOST, auth: PAT }).projects.get("projects/p");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^lakebase-sdk \{.*\}$/);
    const [request, response] = lines.map((l) => JSON.parse(l.slice("lakebase-sdk ".length)));
    expect(request).toMatchObject({ type: "request", operationId: "GetProject", method: "GET" });
    expect(response).toMatchObject({ type: "response", status: 200, requestId: "req-7", attempt: 1 });
    expect(response.body).toBeUndefined();
    expect(lines.join("\n")).not.toContain(PAT);
  });

  it("LAKEBASE_SDK_DEBUG=body adds bodies, strings cut at DATABRICKS_DEBUG_TRUNCATE_BYTES", async () => {
    vi.stubEnv("LAKEBASE_SDK_DEBUG", "body");
    vi.stubEnv("DATABRICKS_DEBUG_TRUNCATE_BYTES", "10");
    const lines = stderrLines();
    nock(HOST).get(`${BASE}/projects/p`).reply(200, { name: "projects/p", status: { display_name: "a rather long display name" } });
    await createLakebaseClient({ host: HOST, auth: PAT }).projects.get("projects/p");
    const response = JSON.parse(lines[1]!.slice("lakebase-sdk ".length));
    expect(response.body).toEqual({ name: "projects/p", status: { display_name: "a rather l… (26 chars)" } });
  });

  it("the debug option wins over the environment: a function gets the lines, false silences LAKEBASE_SDK_DEBUG", async () => {
    vi.stubEnv("LAKEBASE_SDK_DEBUG", "1");
    const stderr = stderrLines();
    nock(HOST).get(`${BASE}/projects/p`).times(2).reply(200, { name: "projects/p" });
    const mine: string[] = [];
    await createLakebaseClient({ host: HOST, auth: PAT, debug: (line) => mine.push(line) }).projects.get("projects/p");
    expect(mine).toHaveLength(2);
    const quiet = createLakebaseClient({ host: HOST, auth: PAT, debug: false });
    await quiet.projects.get("projects/p");
    expect(stderr).toEqual([]);
    expect(contextOf(quiet).events).toBeUndefined();
  });

  it("debug: true logs to console.error without any environment", async () => {
    vi.stubEnv("LAKEBASE_SDK_DEBUG", "0");
    const lines = stderrLines();
    nock(HOST).get(`${BASE}/projects/p`).reply(200, { name: "projects/p" });
    await createLakebaseClient({ host: HOST, auth: PAT, debug: true }).projects.get("projects/p");
    expect(lines.map((l) => JSON.parse(l.slice(13)).type)).toEqual(["request", "response"]);
  });

  it("works where process.env cannot be read (Deno without --allow-env): the environment counts as unset", async () => {
    const original = Object.getOwnPropertyDescriptor(process, "env")!;
    Object.defineProperty(process, "env", { get: () => { throw new Error("NotCapable"); }, configurable: true });
    try {
      expect(() => createCoreClient({ host: HOST, auth: PAT })).not.toThrow();
      expect(contextOf(createCoreClient({ host: HOST, auth: PAT })).events).toBeUndefined();
    } finally {
      Object.defineProperty(process, "env", original);
    }
  });
});

describe("a listener that throws is isolated", () => {
  it("onEvent throwing on every event: the call succeeds, and the other listeners (debug) still hear everything", async () => {
    nock(HOST).get(`${BASE}/projects/p`).reply(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "later" });
    nock(HOST).get(`${BASE}/projects/p`).reply(200, { name: "projects/p" });
    const lines: string[] = [];
    const client = createLakebaseClient({
      host: HOST,
      auth: PAT,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      onEvent: () => {
        throw new Error("listener bug");
      },
      debug: (line) => lines.push(line),
    });
    await expect(client.projects.get("projects/p")).resolves.toMatchObject({ name: "projects/p" });
    expect(lines.map((l) => JSON.parse(l.slice(13)).type)).toEqual(["request", "retry", "response"]);
  });

  it("the onRequest alias throwing does not break the call either (and still sees exactly its three fields)", async () => {
    nock(HOST).get(`${BASE}/projects/p`).reply(200, { name: "projects/p" });
    const seen: unknown[] = [];
    const client = createLakebaseClient({
      host: HOST,
      auth: PAT,
      onRequest: (info) => {
        seen.push(info);
        throw new Error("hook bug");
      },
    });
    await expect(client.projects.get("projects/p")).resolves.toMatchObject({ name: "projects/p" });
    expect(seen).toStrictEqual([{ operationId: "GetProject", method: "GET", path: `${BASE}/projects/{project_id}` }]);
  });

  it("onProgress and a throwing poll listener do not end a wait; a throwing page listener does not end a walk", async () => {
    const OP = "projects/p/branches/dev/operations/op-9";
    nock(HOST).post(`${BASE}/projects/p/branches`).query(true).reply(200, { name: OP, done: false });
    nock(HOST).get(`${BASE}/${OP}`).reply(200, { name: OP, done: true, response: { name: "projects/p/branches/dev" } });
    nock(HOST).get(`${BASE}/projects/p/branches`).reply(200, { branches: [{ name: "a" }], next_page_token: "t2" });
    nock(HOST).get(`${BASE}/projects/p/branches`).query({ page_token: "t2" }).reply(200, { branches: [{ name: "b" }] });
    const { client } = recordingClient({
      onEvent: (e) => {
        if (e.type === "poll" || e.type === "page") throw new Error("listener bug");
      },
    });
    const branch = await client.branches.create("projects/p", "dev", { spec: {} }).wait({
      pollIntervalMs: 5,
      onProgress: () => {
        throw new Error("progress bug");
      },
    });
    expect(branch.name).toBe("projects/p/branches/dev");
    expect(await client.branches.list("projects/p").toArray({ limit: Infinity })).toHaveLength(2);
  });
});
