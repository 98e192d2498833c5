/*
 * The auth layer of the transport (src/ops/transport.ts, withAuth): a plain `{ getToken }`
 * provider is single-flighted (concurrent callers share one pending call, the answer is not kept),
 * and the replay after a rejected token is a second exchange built from the same description
 * (src/ops/exchange.ts): no request is copied in advance, each attempt builds one Request.
 */
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createCoreClient, createLakebaseClient } from "../../src/index.js";
import type { Outgoing } from "../../src/ops/exchange.js";
import { rawClient } from "../../src/raw.js";
import type { FetchLike } from "../../src/ops/retry.js";
import { createTransport } from "../../src/ops/transport.js";
import type { GetTokenOptions, TokenProvider } from "../../src/ops/token-provider.js";

const HOST = "https://ws.example.com";
const PROJECT = "/api/2.0/postgres/projects/p";

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** A provider that takes `ms` to answer, as a token endpoint would, and counts its calls. */
function slowProvider(ms = 20, fail?: (n: number) => Error | undefined) {
  const calls: GetTokenOptions[] = [];
  const provider: TokenProvider = {
    getToken: async (options) => {
      calls.push(options ?? {});
      const n = calls.length;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        options?.signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(options.signal!.reason);
        });
      });
      const error = fail?.(n);
      if (error) throw error;
      return { accessToken: `token-${n}` };
    },
  };
  return { provider, calls };
}

describe("a plain { getToken } provider is single-flighted by the client", () => {
  it("1,000 concurrent calls share one pending getToken call; the answer is not kept afterwards", async () => {
    const { provider, calls } = slowProvider();
    const seen: string[] = [];
    nock(HOST)
      .get(PROJECT)
      .times(1001)
      .reply(function () {
        seen.push(String(this.req.headers.authorization));
        return [200, { name: "projects/p" }];
      });
    const client = createLakebaseClient({ host: HOST, auth: provider, retry: false });
    await Promise.all(Array.from({ length: 1000 }, () => client.projects.get("projects/p")));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.forceRefresh).toBe(false);
    expect(new Set(seen)).toEqual(new Set(["Bearer token-1"]));
    // Settled: the next call asks the provider again (caching is the provider's job).
    await client.projects.get("projects/p");
    expect(calls).toHaveLength(2);
    expect(seen.at(-1)).toBe("Bearer token-2");
  });

  it("a failed shared call fails every caller that joined it; the next call asks again", async () => {
    const { provider, calls } = slowProvider(10, (n) => (n === 1 ? new Error("token endpoint down") : undefined));
    nock(HOST).get(PROJECT).times(2).reply(200, { name: "projects/p" });
    const client = createLakebaseClient({ host: HOST, auth: provider, retry: false });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => client.projects.get("projects/p")));
    // (The per-attempt layer reports a provider's plain Error as a NetworkError carrying it as cause.)
    const causes = outcomes.map((o) => (o.status === "rejected" ? String((o.reason as Error).cause ?? o.reason) : o.status));
    expect(causes).toEqual(Array(5).fill("Error: token endpoint down"));
    expect(calls).toHaveLength(1);
    expect((await client.projects.get("projects/p")).name).toBe("projects/p");
    expect(calls).toHaveLength(2);
  });

  it("the caller that started the shared call cancelling it does not fail the others", async () => {
    const { provider, calls } = slowProvider(50);
    nock(HOST).get(PROJECT).times(3).reply(200, { name: "projects/p" });
    const client = createLakebaseClient({ host: HOST, auth: provider, retry: false });
    const controller = new AbortController();
    const first = client.projects.get("projects/p", { signal: controller.signal });
    const others = [client.projects.get("projects/p"), client.projects.get("projects/p")];
    setTimeout(() => controller.abort(new Error("user cancelled")), 10);
    await expect(first).rejects.toThrow("user cancelled");
    const results = await Promise.all(others);
    expect(results.map((r) => r.name)).toEqual(["projects/p", "projects/p"]);
    expect(calls).toHaveLength(2); // the cancelled one, then one shared by the two others
    expect(calls[0]!.signal?.aborted).toBe(true);
  });

  it("a provider that answers synchronously (a cache hit) is asked per call, with nothing shared", async () => {
    let n = 0;
    const provider: TokenProvider = { getToken: () => ({ accessToken: `sync-${++n}` }) };
    nock(HOST).get(PROJECT).times(3).reply(200, { name: "projects/p" });
    const client = createLakebaseClient({ host: HOST, auth: provider, retry: false });
    await Promise.all([client.projects.get("projects/p"), client.projects.get("projects/p"), client.projects.get("projects/p")]);
    expect(n).toBe(3);
  });
});

describe("the replay after a rejected token needs no copy made in advance", () => {
  const URL_ = `${HOST}/api/2.0/postgres/projects/p?update_mask=spec.display_name`;
  const BODY = JSON.stringify({ spec: { display_name: "ü demo" } });
  const patch = (): Outgoing => ({ method: "PATCH", url: URL_, body: BODY, headers: { "content-type": "application/json" } });
  /** Counts the Requests built while `run` runs (every one, not only those that reach fetch). */
  async function countRequests<T>(run: () => Promise<T>): Promise<{ result: T; built: number }> {
    let built = 0;
    const Original = globalThis.Request;
    vi.stubGlobal("Request", class extends Original {
      constructor(...args: ConstructorParameters<typeof Request>) {
        super(...args);
        built++;
      }
    });
    try {
      return { result: await run(), built };
    } finally {
      vi.unstubAllGlobals();
    }
  }
  /** An inner fetch that answers with `statuses` in turn and records what it was sent. */
  function server(...statuses: number[]) {
    const sent: { auth: string | null; body: string }[] = [];
    const fetch: FetchLike = async (request) => {
      sent.push({ auth: request.headers.get("authorization"), body: await request.text() });
      const status = statuses[Math.min(sent.length - 1, statuses.length - 1)]!;
      return new Response(JSON.stringify(status === 200 ? { name: "projects/p/operations/o" } : { error_code: "X", message: "Token expired" }), { status });
    };
    return { fetch, sent };
  }
  const refreshable = () => {
    const asked: boolean[] = [];
    const provider: TokenProvider = { getToken: (o) => (asked.push(o?.forceRefresh === true), { accessToken: `t-${asked.length}` }) };
    return { provider, asked };
  };

  it.each([0, 60_000])("one Request per exchange, no clone; on a 401 the body is sent again from the description, with the new token (timeoutMs %i)", async (timeoutMs) => {
    const clone = vi.spyOn(Request.prototype, "clone");
    const { provider, asked } = refreshable();
    const ok = server(200);
    const transport = createTransport({ fetch: ok.fetch, tokenProvider: provider, timeoutMs, retry: false });
    const first = await countRequests(() => transport(patch()));
    expect(first.result.status).toBe(200);
    expect(first.built).toBe(1);
    expect(clone).not.toHaveBeenCalled();

    const rejected = server(401, 200);
    const replaying = createTransport({ fetch: rejected.fetch, tokenProvider: provider, timeoutMs, retry: false });
    const replayed = await countRequests(() => replaying(patch()));
    expect(replayed.result.status).toBe(200);
    expect(replayed.built).toBe(2);
    expect(rejected.sent).toEqual([
      { auth: "Bearer t-2", body: BODY },
      { auth: "Bearer t-3", body: BODY },
    ]);
    expect(asked).toEqual([false, false, true]);
    expect(clone).not.toHaveBeenCalled();
  });

  it.each([0, 60_000])("through the retry layer: every attempt sends the same bytes in one Request of its own, none is a clone (timeoutMs %i)", async (timeoutMs) => {
    const clone = vi.spyOn(Request.prototype, "clone");
    const { provider } = refreshable();
    const busy = server(503, 429, 200);
    const transport = createTransport({ fetch: busy.fetch, tokenProvider: provider, timeoutMs, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    const { result, built } = await countRequests(() => transport(patch()));
    expect(result.status).toBe(200);
    expect(built).toBe(3);
    expect(busy.sent.map((s) => s.body)).toEqual([BODY, BODY, BODY]);
    expect(clone).not.toHaveBeenCalled();
  });

  it("a raw client's request (lakebase-sdk/raw) is replayed after a 401 with the same body", async () => {
    const { provider, asked } = refreshable();
    const rejected = server(401, 200);
    const raw = rawClient(createCoreClient({ host: HOST, fetch: rejected.fetch, auth: provider, retry: { baseDelayMs: 1, maxDelayMs: 2 } }));
    const { response } = await raw.PATCH("/api/2.0/postgres/projects/{project_id}", {
      params: { path: { project_id: "p" }, query: { update_mask: "spec.display_name" } },
      body: JSON.parse(BODY),
    });
    expect(response.status).toBe(200);
    expect(rejected.sent).toEqual([
      { auth: "Bearer t-1", body: BODY },
      { auth: "Bearer t-2", body: BODY },
    ]);
    expect(asked).toEqual([false, true]);
  });
});
