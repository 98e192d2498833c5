import nock from "nock";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { toRequest, type Outgoing, type Reply } from "../../src/ops/exchange.js";
import { createRetrying, type FetchLike, type RetryOptions } from "../../src/ops/retry.js";
import { sleep } from "../../src/ops/sleep.js";
import { RequestTimeoutError } from "../../src/ops/errors.js";

const BASE = "https://lakebase.test";
const RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";

type Step = Response | Error | object | ((req: Request) => Response | Promise<Response>);

/** A scripted inner fetch: answers each call with the next step (the last step repeats). */
function scripted(...steps: Step[]) {
  const calls: { method: string; url: string; body: string; headers: Headers }[] = [];
  const fetch: FetchLike = async (req) => {
    calls.push({ method: req.method, url: req.url, body: await req.text(), headers: req.headers });
    const step = steps[Math.min(calls.length - 1, steps.length - 1)] as Step;
    if (typeof step === "function") return step(req);
    if (step instanceof Response) return step.clone();
    throw step;
  };
  return { fetch, calls };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** Transport failure shaped like undici's: TypeError("fetch failed") with a coded cause. */
function netError(code: string): TypeError {
  return new TypeError("fetch failed", { cause: Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code }) });
}

const fast: RetryOptions = { baseDelayMs: 1, maxDelayMs: 2, random: () => 0 };

/** What a test request may set: the fields of an Outgoing description. */
type Init = { method?: string; body?: string | null; headers?: Record<string, string>; signal?: AbortSignal };

function get(path = "/api/2.0/postgres/projects/p1", init: Init = {}): Outgoing {
  return { method: init.method ?? "GET", url: `${BASE}${path}`, headers: init.headers ?? {}, body: init.body ?? undefined, signal: init.signal };
}

function post(body: unknown, path = "/api/2.0/postgres/projects?project_id=p1", init: Init = {}): Outgoing {
  return { method: "POST", url: `${BASE}${path}`, headers: { "content-type": "application/json" }, ...init, body: JSON.stringify(body) };
}

/**
 * The retry layer over attempts made as the transport makes them (src/ops/transport.ts): a
 * Request built from the description each time, sent to `fetch`, its body read whole.
 */
function retryingOver(fetch: FetchLike, options?: RetryOptions | false) {
  return createRetrying(async (outgoing): Promise<Reply> => {
    const response = await fetch(toRequest(outgoing, undefined, outgoing.signal));
    return { status: response.status, statusText: response.statusText, headers: response.headers, url: response.url || outgoing.url, text: await response.text() };
  }, options);
}

describe("createRetrying — responses", () => {
  it("GET 503 then 200 → 2 calls, returns the 200", async () => {
    const s = scripted(json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }), json(200, { name: "projects/p1" }));
    const res = await retryingOver(s.fetch, fast)(get());
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ name: "projects/p1" });
    expect(s.calls).toHaveLength(2);
  });

  it("429 with Retry-After: 1 sleeps at least 1 s even when jitter is 0", async () => {
    const s = scripted(json(429, { error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" }, { "retry-after": "1" }), json(200, {}));
    const delays: number[] = [];
    const t0 = performance.now();
    const res = await retryingOver(s.fetch, { ...fast, onRetry: (i) => delays.push(i.delayMs) })(get());
    const elapsed = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(s.calls).toHaveLength(2);
    expect(delays).toEqual([1000]);
    expect(elapsed).toBeGreaterThanOrEqual(995); // timer granularity
    expect(elapsed).toBeLessThan(2000);
  });

  it("honours an HTTP-date Retry-After (far date beyond budget → stop at once)", async () => {
    const when = new Date(Date.now() + 120_000).toUTCString();
    const s = scripted(json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "x" }, { "retry-after": when }), json(200, {}));
    const t0 = performance.now();
    const res = await retryingOver(s.fetch, { ...fast, budgetMs: 5_000 })(get());
    expect(res.status).toBe(503);
    expect(s.calls).toHaveLength(1);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it("an HTTP-date Retry-After in the past means no extra wait", async () => {
    const when = new Date(Date.now() - 60_000).toUTCString();
    const s = scripted(json(503, {}, { "retry-after": when }), json(200, {}));
    const delays: number[] = [];
    const res = await retryingOver(s.fetch, { ...fast, onRetry: (i) => delays.push(i.delayMs) })(get());
    expect(res.status).toBe(200);
    expect(delays).toEqual([0]);
  });

  it("honours RetryInfo.retry_delay in the JSON body", async () => {
    const body = {
      error_code: "RESOURCE_EXHAUSTED",
      message: "quota",
      details: [{ "@type": RETRY_INFO, retry_delay: "0.250s" }],
    };
    const s = scripted(json(429, body), json(200, {}));
    const delays: number[] = [];
    const t0 = performance.now();
    const res = await retryingOver(s.fetch, { ...fast, onRetry: (i) => delays.push(i.delayMs) })(get());
    expect(res.status).toBe(200);
    expect(delays).toEqual([250]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(245);
  });

  it("uses the larger of Retry-After and RetryInfo", async () => {
    const body = { error_code: "RESOURCE_EXHAUSTED", details: [{ "@type": RETRY_INFO, retry_delay: "0.1s" }] };
    const s = scripted(json(429, body, { "retry-after": "0.2" }), json(200, {}));
    const delays: number[] = [];
    await retryingOver(s.fetch, { ...fast, onRetry: (i) => delays.push(i.delayMs) })(get());
    expect(delays).toEqual([200]);
  });

  it("budget: server asks 120 s with a 1 s budget → returns the 429 immediately, 1 call", async () => {
    const s = scripted(json(429, { error_code: "REQUEST_LIMIT_EXCEEDED", message: "later" }, { "retry-after": "120" }), json(200, {}));
    const t0 = performance.now();
    const res = await retryingOver(s.fetch, { ...fast, budgetMs: 1_000 })(get());
    expect(performance.now() - t0).toBeLessThan(200);
    expect(s.calls).toHaveLength(1);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("120");
    expect(JSON.parse(res.text)).toEqual({ error_code: "REQUEST_LIMIT_EXCEEDED", message: "later" });
  });

  it("budget: RetryInfo longer than the budget also stops at once", async () => {
    const body = { error_code: "RESOURCE_EXHAUSTED", details: [{ "@type": RETRY_INFO, retry_delay: "120s" }] };
    const s = scripted(json(429, body), json(200, {}));
    const res = await retryingOver(s.fetch, { ...fast, budgetMs: 1_000 })(get());
    expect(res.status).toBe(429);
    expect(s.calls).toHaveLength(1);
  });

  it("GET retries stop when the retry budget runs out: the last answer comes back inside the budget", async () => {
    // Fixed 800 ms sleeps (random 1, base = cap = 800) in a 2 s budget: attempts at ≈0, ≈800 and
    // ≈1600 ms; a fourth sleep would end past the budget, so the third 503 is returned at once.
    const s = scripted(json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }));
    const delays: number[] = [];
    const t0 = performance.now();
    const res = await retryingOver(s.fetch, {
      maxRetries: 100,
      budgetMs: 2_000,
      baseDelayMs: 800,
      maxDelayMs: 800,
      random: () => 1,
      onRetry: (i) => delays.push(i.delayMs),
    })(get());
    const elapsed = performance.now() - t0;
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text)).toEqual({ error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" });
    expect(s.calls).toHaveLength(3);
    expect(delays).toEqual([800, 800]);
    expect(elapsed).toBeGreaterThanOrEqual(1_590);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("GET: a retry still in flight when the budget runs out is cut off, and the last answer is returned", async () => {
    // The first answer takes 250 ms of the 500 ms budget; the retry hangs and is cut at ≈500 ms
    // from the start (what is left of the budget, not a fresh budget).
    let n = 0;
    const inner: FetchLike = async () => {
      if (++n > 1) return new Promise<Response>(() => {});
      await sleep(250);
      return json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "first" });
    };
    const t0 = performance.now();
    const outcome = await Promise.race([
      retryingOver(inner, { ...fast, budgetMs: 500 })(get()),
      sleep(3_000).then(() => "still waiting" as const),
    ]);
    const elapsed = performance.now() - t0;
    expect(outcome).not.toBe("still waiting");
    const res = outcome as Reply;
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text)).toEqual({ error_code: "TEMPORARILY_UNAVAILABLE", message: "first" });
    expect(n).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(490);
    expect(elapsed).toBeLessThan(700);
  });

  it("the budget bounds retries, not the first attempt: a slow first answer is returned", async () => {
    let n = 0;
    const inner: FetchLike = async () => {
      n += 1;
      await sleep(300);
      return json(200, { name: "projects/p1" });
    };
    const res = await retryingOver(inner, { ...fast, budgetMs: 100 })(get());
    expect(res.status).toBe(200);
    expect(n).toBe(1);
  });

  it("a mutation is never abandoned mid-flight by the budget timer: a slow retried POST runs to its answer", async () => {
    let n = 0;
    const inner: FetchLike = async () => {
      n += 1;
      if (n === 1) return json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" });
      await sleep(600); // longer than the whole budget
      return json(200, { name: "projects/p1/operations/o" });
    };
    const t0 = performance.now();
    const res = await retryingOver(inner, { ...fast, budgetMs: 200 })(post({ spec: {} }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ name: "projects/p1/operations/o" });
    expect(n).toBe(2);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(590);
  });

  it.each([500, 502, 504])("GET is retried on %i", async (status) => {
    const s = scripted(json(status, { error_code: "INTERNAL_ERROR", message: "boom" }), json(200, { ok: true }));
    const res = await retryingOver(s.fetch, fast)(get());
    expect(res.status).toBe(200);
    expect(s.calls).toHaveLength(2);
  });

  it("GET 502 with an HTML proxy page is retried too", async () => {
    const s = scripted(new Response("<html><body><h1>502 Bad Gateway</h1></body></html>", { status: 502 }), json(200, {}));
    expect((await retryingOver(s.fetch, fast)(get())).status).toBe(200);
    expect(s.calls).toHaveLength(2);
  });

  it("GET 501 and 4xx are not retried; the response comes back intact", async () => {
    for (const status of [501, 400, 404, 409]) {
      const s = scripted(
        new Response(JSON.stringify({ error_code: "X", message: `m${status}` }), {
          status,
          statusText: "Some Text",
          headers: { "content-type": "application/json", "x-request-id": "rid-1" },
        }),
      );
      const res = await retryingOver(s.fetch, fast)(get());
      expect(s.calls).toHaveLength(1);
      expect(res.status).toBe(status);
      expect(res.statusText).toBe("Some Text");
      expect(res.headers.get("x-request-id")).toBe("rid-1");
      expect(JSON.parse(res.text)).toEqual({ error_code: "X", message: `m${status}` });
    }
  });

  it("a 2xx reply is returned as the attempt gave it, after one attempt", async () => {
    const ok: Reply = { status: 200, statusText: "OK", headers: new Headers(), url: `${BASE}/x`, text: '{"a":1}' };
    let attempts = 0;
    const res = await createRetrying(async () => (attempts++, ok), fast)(get());
    expect(res).toBe(ok);
    expect(attempts).toBe(1);
  });

  it("POST is NOT retried on 500 (a create must never be duplicated)", async () => {
    const s = scripted(json(500, { error_code: "INTERNAL_ERROR", message: "oops" }), json(200, {}));
    const res = await retryingOver(s.fetch, fast)(post({ spec: {} }));
    expect(s.calls).toHaveLength(1);
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text)).toEqual({ error_code: "INTERNAL_ERROR", message: "oops" });
  });

  it.each(["PATCH", "PUT", "DELETE"])("%s is NOT retried on 502/504", async (method) => {
    for (const status of [502, 504]) {
      const s = scripted(json(status, {}), json(200, {}));
      const res = await retryingOver(s.fetch, fast)(get("/api/2.0/postgres/projects/p1", { method, body: method === "DELETE" ? null : "{}" }));
      expect(res.status).toBe(status);
      expect(s.calls).toHaveLength(1);
    }
  });

  it("POST is retried on 503 and on 429", async () => {
    for (const status of [503, 429]) {
      const s = scripted(json(status, {}), json(200, { name: "projects/p1" }));
      const res = await retryingOver(s.fetch, fast)(post({ spec: {} }));
      expect(res.status).toBe(200);
      expect(s.calls).toHaveLength(2);
    }
  });

  it.each(["RESOURCE_EXHAUSTED", "REQUEST_LIMIT_EXCEEDED", "TEMPORARILY_UNAVAILABLE"])(
    "POST is retried when the body error_code is %s (any status)",
    async (code) => {
      const s = scripted(json(400, { error_code: code, message: "x" }), json(200, {}));
      const res = await retryingOver(s.fetch, fast)(post({}));
      expect(res.status).toBe(200);
      expect(s.calls).toHaveLength(2);
    },
  );

  it("the request body is re-sent identically on every attempt", async () => {
    const payload = { spec: { display_name: "ü demo", pg_version: 17 } };
    const s = scripted(json(503, {}), json(429, {}), json(200, {}));
    const original = post(payload);
    const res = await retryingOver(s.fetch, fast)(original);
    expect(res.status).toBe(200);
    expect(s.calls).toHaveLength(3);
    for (const call of s.calls) {
      expect(call.method).toBe("POST");
      expect(JSON.parse(call.body)).toEqual(payload);
      expect(call.headers.get("content-type")).toBe("application/json");
    }
    expect(JSON.parse(original.body!)).toEqual(payload); // the description is never changed by sending it
  });

  it("maxRetries is respected and the last response is returned", async () => {
    for (const maxRetries of [0, 1, 3]) {
      let n = 0;
      const inner: FetchLike = async () => json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: `try ${++n}` });
      const res = await retryingOver(inner, { ...fast, maxRetries })(get());
      expect(n).toBe(maxRetries + 1);
      expect(res.status).toBe(503);
      expect(JSON.parse(res.text)).toEqual({ error_code: "TEMPORARILY_UNAVAILABLE", message: `try ${maxRetries + 1}` });
    }
  });

  it("default maxRetries is 5", async () => {
    const s = scripted(json(503, {}));
    await retryingOver(s.fetch, { baseDelayMs: 1, maxDelayMs: 1 })(get());
    expect(s.calls).toHaveLength(6);
  });

  it("backoff is full-jitter exponential, capped at maxDelayMs", async () => {
    const s = scripted(json(503, {}));
    const delays: number[] = [];
    await retryingOver(s.fetch, {
      maxRetries: 5,
      baseDelayMs: 4,
      maxDelayMs: 20,
      random: () => 1,
      onRetry: (i) => delays.push(i.delayMs),
    })(get());
    expect(delays).toEqual([4, 8, 16, 20, 20]);

    const half: number[] = [];
    await retryingOver(scripted(json(503, {})).fetch, {
      maxRetries: 3,
      baseDelayMs: 10,
      maxDelayMs: 1_000,
      random: () => 0.5,
      onRetry: (i) => half.push(i.delayMs),
    })(get());
    expect(half).toEqual([5, 10, 20]);
  });

  it("onRetry gets attempt, delay, reason, method and the pathname only (no headers)", async () => {
    const s = scripted(json(503, {}), json(429, { error_code: "RESOURCE_EXHAUSTED" }), json(200, {}));
    const events: unknown[] = [];
    const req = get("/api/2.0/postgres/projects/p1/branches?page_size=5", { headers: { Authorization: "Bearer dapi-SECRET-123" } });
    await retryingOver(s.fetch, { ...fast, onRetry: (i) => events.push(i) })(req);
    expect(events).toEqual([
      { attempt: 1, delayMs: 0, reason: "HTTP 503", method: "GET", path: "/api/2.0/postgres/projects/p1/branches" },
      { attempt: 2, delayMs: 0, reason: "HTTP 429 RESOURCE_EXHAUSTED", method: "GET", path: "/api/2.0/postgres/projects/p1/branches" },
    ]);
    expect(JSON.stringify(events)).not.toContain("SECRET");
  });

  it("an onRetry hook that throws does not break the request", async () => {
    const s = scripted(json(503, {}), json(200, {}));
    const res = await retryingOver(s.fetch, {
      ...fast,
      onRetry: () => {
        throw new Error("logger down");
      },
    })(get());
    expect(res.status).toBe(200);
  });

  it("createRetrying(attempt, false) is the attempt itself: a 503 is not retried", async () => {
    const r503: Reply = { status: 503, statusText: "", headers: new Headers(), url: `${BASE}/x`, text: "{}" };
    let n = 0;
    const attempt = async () => {
      n++;
      return r503;
    };
    const f = createRetrying(attempt, false);
    expect(f).toBe(attempt);
    expect(await f(get())).toBe(r503);
    expect(n).toBe(1);
  });
});

describe("createRetrying — options and methods", () => {
  it("works without options, with the defaults", async () => {
    const s = scripted(json(404, { error_code: "NOT_FOUND", message: "gone" }));
    const res = await retryingOver(s.fetch)(get());
    expect(res.status).toBe(404);
    expect(s.calls).toHaveLength(1);
  });

  it.each([
    ["negative", -1, 6],
    ["NaN", Number.NaN, 6],
    ["infinite", Number.POSITIVE_INFINITY, 6],
    ["fractional (rounded down)", 2.7, 3],
  ])("a %s maxRetries falls back to a sane count", async (_label, maxRetries, calls) => {
    const s = scripted(json(503, {}));
    await retryingOver(s.fetch, { maxRetries, baseDelayMs: 1, maxDelayMs: 1, random: () => 0 })(get());
    expect(s.calls).toHaveLength(calls);
  });

  it("invalid delays fall back to the defaults (500 ms base), and a negative budget to 60 s", async () => {
    const delays: number[] = [];
    const s = scripted(json(503, {}), json(200, {}));
    const res = await retryingOver(s.fetch, { maxRetries: 1, baseDelayMs: -5, maxDelayMs: Number.NaN, budgetMs: -1, random: () => 0.1, onRetry: (i) => delays.push(i.delayMs) })(get());
    expect(res.status).toBe(200);
    expect(delays).toEqual([50]); // 0.1 × min(10 000, 500)
  });

  it.each(["HEAD", "OPTIONS"])("%s is a safe method: retried on 500 and on a connection reset", async (method) => {
    const s = scripted(json(500, {}), netError("ECONNRESET"), json(200, {}));
    const res = await retryingOver(s.fetch, fast)(get("/api/2.0/postgres/projects/p1", { method }));
    expect(res.status).toBe(200);
    expect(s.calls).toHaveLength(3);
  });

  it("onRetry names the network error by its pre-send code, else its first code, else its name", async () => {
    const reasons: string[] = [];
    const layered = new TypeError("fetch failed", { cause: Object.assign(new Error("socket"), { code: "UND_ERR_SOCKET", cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) }) });
    const thrownString = "boom"; // a non-Error thrown by a custom fetch
    const s = scripted(layered, netError("ECONNRESET"), new TypeError("fetch failed"), () => Promise.reject(thrownString), json(200, {}));
    await retryingOver(s.fetch, { ...fast, onRetry: (i) => reasons.push(i.reason) })(get());
    expect(reasons).toEqual(["network error ECONNREFUSED", "network error ECONNRESET", "network error TypeError", "network error string"]);
  });

  it("an error reply keeps the URL that answered (error messages use its path)", async () => {
    const original = json(404, { error_code: "NOT_FOUND" });
    Object.defineProperty(original, "url", { value: `${BASE}/api/2.0/postgres/projects/p1` });
    const res = await retryingOver(async () => original, fast)(get("/elsewhere"));
    expect(res.status).toBe(404);
    expect(res.url).toBe(`${BASE}/api/2.0/postgres/projects/p1`);
  });
});

describe("createRetrying — network errors", () => {
  it("GET is retried on a network error (connection reset)", async () => {
    const s = scripted(netError("ECONNRESET"), json(200, {}));
    const res = await retryingOver(s.fetch, fast)(get());
    expect(res.status).toBe(200);
    expect(s.calls).toHaveLength(2);
  });

  it("GET rethrows the original network error once retries are exhausted", async () => {
    const err = netError("ECONNRESET");
    const s = scripted(err);
    await expect(retryingOver(s.fetch, { ...fast, maxRetries: 2 })(get())).rejects.toBe(err);
    expect(s.calls).toHaveLength(3);
  });

  it("POST is NOT retried on ECONNRESET: the original error propagates", async () => {
    const err = netError("ECONNRESET");
    const s = scripted(err, json(200, {}));
    await expect(retryingOver(s.fetch, fast)(post({ spec: {} }))).rejects.toBe(err);
    expect(s.calls).toHaveLength(1);
  });

  it("POST is NOT retried on a bare 'fetch failed' without a pre-send code", async () => {
    const err = new TypeError("fetch failed");
    const s = scripted(err, json(200, {}));
    await expect(retryingOver(s.fetch, fast)(post({}))).rejects.toBe(err);
    expect(s.calls).toHaveLength(1);
  });

  it.each(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"])("POST is retried on %s (request never sent)", async (code) => {
    const s = scripted(netError(code), json(200, { name: "projects/p1" }));
    const res = await retryingOver(s.fetch, fast)(post({ spec: {} }));
    expect(res.status).toBe(200);
    expect(s.calls).toHaveLength(2);
  });

  it("pre-send codes are found on the error itself and inside an AggregateError cause", async () => {
    const direct = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const agg = new TypeError("fetch failed", {
      cause: Object.assign(
        new AggregateError([Object.assign(new Error("a"), { code: "ECONNREFUSED" }), Object.assign(new Error("b"), { code: "ECONNREFUSED" })]),
        { code: "ECONNREFUSED" },
      ),
    });
    for (const err of [direct, agg]) {
      const s = scripted(err, json(200, {}));
      expect((await retryingOver(s.fetch, fast)(post({}))).status).toBe(200);
      expect(s.calls).toHaveLength(2);
    }
  });

  it("an AbortError thrown by the inner fetch (own timeout) is not retried", async () => {
    const err = new DOMException("aborted", "AbortError");
    const s = scripted(err, json(200, {}));
    await expect(retryingOver(s.fetch, fast)(get())).rejects.toBe(err);
    expect(s.calls).toHaveLength(1);
  });
});

describe("createRetrying — timeouts and unreadable error bodies", () => {
  /** A response whose body fails while being read (the connection dropped after the headers). */
  const brokenBody = (status: number) => () =>
    new Response(new ReadableStream({ start: (c) => c.error(new TypeError("terminated")) }), { status });

  it("a timed-out GET is retried", async () => {
    const timeout = new RequestTimeoutError(100, "GET", "/api/2.0/postgres/projects/p1");
    const s = scripted(timeout, json(200, { name: "projects/p1" }));
    const events: string[] = [];
    const res = await retryingOver(s.fetch, { ...fast, onRetry: (i) => events.push(i.reason) })(get());
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ name: "projects/p1" });
    expect(s.calls).toHaveLength(2);
    expect(events).toEqual(["network error RequestTimeoutError"]);
  });

  it("a timed-out POST is not retried (the server may have done the work): the timeout propagates", async () => {
    const timeout = new RequestTimeoutError(100, "POST", "/api/2.0/postgres/projects");
    const s = scripted(timeout, json(200, {}));
    await expect(retryingOver(s.fetch, fast)(post({ spec: {} }))).rejects.toBe(timeout);
    expect(s.calls).toHaveLength(1);
  });

  it("a mutation whose error body fails to read is not retried: the read error propagates", async () => {
    for (const status of [503, 429, 500]) {
      const s = scripted(brokenBody(status), json(200, { name: "projects/p1" }));
      const error = await retryingOver(s.fetch, fast)(post({ spec: {} })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe("terminated");
      expect(s.calls).toHaveLength(1);
    }
  });

  it("a GET whose error body fails to read is retried", async () => {
    const s = scripted(brokenBody(503), json(200, { name: "projects/p1" }));
    const reasons: string[] = [];
    const res = await retryingOver(s.fetch, { ...fast, onRetry: (i) => reasons.push(i.reason) })(get());
    expect(res.status).toBe(200);
    expect(s.calls).toHaveLength(2);
    expect(reasons).toEqual(["network error TypeError"]);
  });
});

describe("createRetrying — abort", () => {
  it("abort mid-sleep (503, Retry-After: 30) rejects promptly with an AbortError", async () => {
    const s = scripted(json(503, {}, { "retry-after": "30" }), json(200, {}));
    const ac = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 50);
    const p = retryingOver(s.fetch, fast)(get("/api/2.0/postgres/projects", { signal: ac.signal }));
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = performance.now() - t0;
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe("AbortError");
    expect(elapsed).toBeLessThan(150);
    expect(s.calls).toHaveLength(1);
  });

  it("rejects with the signal's custom reason", async () => {
    const s = scripted(json(503, {}, { "retry-after": "30" }));
    const ac = new AbortController();
    const reason = new Error("user cancelled");
    setTimeout(() => ac.abort(reason), 20);
    await expect(retryingOver(s.fetch, fast)(get("/x", { signal: ac.signal }))).rejects.toBe(reason);
  });

  it("an already-aborted signal rejects without calling inner", async () => {
    const s = scripted(json(200, {}));
    const ac = new AbortController();
    ac.abort();
    await expect(retryingOver(s.fetch, fast)(get("/x", { signal: ac.signal }))).rejects.toMatchObject({ name: "AbortError" });
    expect(s.calls).toHaveLength(0);
  });

  it("abort during an attempt rejects promptly even if inner ignores the signal", async () => {
    const inner: FetchLike = () => new Promise<Response>(() => {}); // never settles
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const t0 = performance.now();
    await expect(retryingOver(inner, fast)(get("/x", { signal: ac.signal }))).rejects.toMatchObject({ name: "AbortError" });
    expect(performance.now() - t0).toBeLessThan(150);
  });
});

describe("sleep", () => {
  it("resolves after the delay and rejects promptly on abort", async () => {
    const t0 = performance.now();
    await sleep(20);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 10);
    const t1 = performance.now();
    await expect(sleep(10_000, ac.signal)).rejects.toMatchObject({ name: "AbortError" });
    expect(performance.now() - t1).toBeLessThan(100);
    await expect(sleep(5, AbortSignal.abort("why"))).rejects.toBe("why");
  });
});

describe("createRetrying over real fetch (nock)", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const realFetch: FetchLike = (req) => fetch(req);

  it("GET 503 then 200 through undici fetch", async () => {
    const scope = nock(BASE)
      .get("/api/2.0/postgres/projects/p1")
      .reply(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" })
      .get("/api/2.0/postgres/projects/p1")
      .reply(200, { name: "projects/p1" });
    const res = await retryingOver(realFetch, fast)(get());
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ name: "projects/p1" });
    expect(scope.isDone()).toBe(true);
  });

  it("POST body is re-sent identically; 500 on a POST is returned, not retried", async () => {
    const payload = { spec: { display_name: "demo" } };
    const seen: unknown[] = [];
    const scope = nock(BASE)
      .post("/api/2.0/postgres/projects")
      .query({ project_id: "p1" })
      .times(2)
      .reply(function (_uri, body) {
        seen.push(body);
        return seen.length === 1 ? [429, { error_code: "REQUEST_LIMIT_EXCEEDED" }] : [500, { error_code: "INTERNAL_ERROR", message: "x" }];
      });
    const res = await retryingOver(realFetch, fast)(post(payload));
    expect(res.status).toBe(500);
    expect(seen).toEqual([payload, payload]);
    expect(scope.isDone()).toBe(true);
  });

  it("POST is retried after ECONNREFUSED through real fetch", async () => {
    const scope = nock(BASE)
      .post("/api/2.0/postgres/projects")
      .query(true)
      .replyWithError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))
      .post("/api/2.0/postgres/projects")
      .query(true)
      .reply(200, { name: "projects/p1" });
    const res = await retryingOver(realFetch, fast)(post({}));
    expect(res.status).toBe(200);
    expect(scope.isDone()).toBe(true);
  });
});
