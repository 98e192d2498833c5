// OpenTelemetry from the client's events, with no OpenTelemetry in the SDK: `onEvent` hears every
// API call, retry, poll, page and token refresh, and a dozen lines turn them into spans. Here the
// spans go to an in-memory exporter and are checked; in production, pass your own tracer (an
// OTLP exporter, your vendor's SDK) to `openTelemetryListener`.
//
//   one span per API call   "lakebase GetProject" (CLIENT): http.request.method, url.template,
//                           http.response.status_code, lakebase.operation, lakebase.request_id,
//                           http.request.resend_count; a `retry` span event per retry
//   one span per wait       "lakebase wait CreateBranch": a `poll` span event per poll
//   one span per list walk  "lakebase walk ListBranches": a `page` span event per page
//   token refreshes         "lakebase token_refresh" spans, outcome and provider as attributes
import assert from "node:assert/strict";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createLakebaseClient } from "lakebase-sdk";
import { startEmulator } from "lakebase-sdk/emulator";

/** Maps the client's events to spans of `tracer`. Calls are told apart by `callId`, waits by operation name. */
export function openTelemetryListener(tracer) {
  const calls = new Map();
  const waits = new Map();
  const walks = new Map();
  return (event) => {
    switch (event.type) {
      case "request":
        calls.set(
          event.callId,
          tracer.startSpan(`lakebase ${event.operationId}`, {
            kind: SpanKind.CLIENT,
            attributes: { "http.request.method": event.method, "url.template": event.path, "lakebase.operation": event.operationId },
          }),
        );
        break;
      case "retry":
        calls.get(event.callId)?.addEvent("retry", {
          "lakebase.retry.reason": event.reason,
          "lakebase.retry.attempt": event.attempt,
          "lakebase.retry.delay_ms": event.delayMs,
          "lakebase.retry.budget_left_ms": event.budgetLeftMs,
        });
        break;
      case "response": {
        const span = calls.get(event.callId);
        calls.delete(event.callId);
        if (!span) break;
        if (event.status !== undefined) span.setAttribute("http.response.status_code", event.status);
        if (event.requestId) span.setAttribute("lakebase.request_id", event.requestId);
        if (event.attempt > 1) span.setAttribute("http.request.resend_count", event.attempt - 1);
        if (event.error || event.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: event.error ?? `HTTP ${event.status}` });
        span.end();
        break;
      }
      case "poll": {
        let span = waits.get(event.name);
        if (!span) waits.set(event.name, (span = tracer.startSpan(`lakebase wait ${event.kind ?? "ready"}`, { attributes: { "lakebase.operation_name": event.name } })));
        span.addEvent("poll", { "lakebase.poll.count": event.polls, "lakebase.poll.state": event.state, "lakebase.poll.elapsed_ms": event.elapsedMs });
        if (event.done) {
          span.end();
          waits.delete(event.name);
        }
        break;
      }
      case "page": {
        let span = walks.get(event.operationId);
        if (!span) walks.set(event.operationId, (span = tracer.startSpan(`lakebase walk ${event.operationId}`)));
        span.addEvent("page", { "lakebase.page.number": event.page, "lakebase.page.items": event.items });
        if (!event.hasNext) {
          span.end();
          walks.delete(event.operationId);
        }
        break;
      }
      case "token_refresh":
        tracer
          .startSpan("lakebase token_refresh", { startTime: Date.now() - event.durationMs, attributes: { "lakebase.auth.provider": event.provider, "lakebase.auth.outcome": event.outcome } })
          .end();
        break;
    }
  };
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer("lakebase-sdk-example");

const emulator = await startEmulator({ operationLatencyMs: 50 });
try {
  // The first GetProject is throttled once (a 429 the client retries), to show a retry span event.
  let throttled = false;
  const fetch = (request) => {
    if (!throttled && request.method === "GET" && new URL(request.url).pathname === "/api/2.0/postgres/projects/otel") {
      throttled = true;
      return Promise.resolve(Response.json({ error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" }, { status: 429 }));
    }
    return globalThis.fetch(request);
  };
  let requests = 0;
  const listener = openTelemetryListener(tracer);
  const client = createLakebaseClient({
    host: emulator.host,
    auth: emulator.token,
    fetch,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    onEvent: (event) => {
      if (event.type === "request") requests += 1;
      listener(event);
    },
  });

  await client.projects.create("otel", { spec: {} }).wait({ pollIntervalMs: 20 });
  await client.projects.get("projects/otel");
  await client.branches.create("projects/otel", "dev", { spec: { no_expiry: true } }).wait({ pollIntervalMs: 20 });
  const branches = await client.branches.list("projects/otel", { page_size: 1 }).toArray({ limit: Infinity });
  await provider.forceFlush();

  const spans = exporter.getFinishedSpans();
  const callSpans = spans.filter((s) => s.kind === SpanKind.CLIENT);
  assert.equal(callSpans.length, requests, "one span per API call");
  for (const span of callSpans) {
    assert.ok(span.attributes["http.request.method"], `${span.name}: http.request.method`);
    assert.equal(span.attributes["http.response.status_code"], 200, `${span.name}: status`);
    assert.ok(span.attributes["lakebase.request_id"], `${span.name}: request id`);
    assert.equal(span.name, `lakebase ${span.attributes["lakebase.operation"]}`);
  }
  const get = callSpans.find((s) => s.name === "lakebase GetProject");
  assert.deepEqual(get.events.map((e) => e.name), ["retry"], "the throttled GetProject carries one retry event");
  assert.equal(get.events[0].attributes["lakebase.retry.reason"], "HTTP 429 REQUEST_LIMIT_EXCEEDED");
  assert.equal(get.attributes["http.request.resend_count"], 1);

  const waits = spans.filter((s) => s.name.startsWith("lakebase wait "));
  assert.deepEqual(waits.map((s) => s.name).sort(), ["lakebase wait CreateBranch", "lakebase wait CreateProject"]);
  for (const wait of waits) {
    assert.ok(wait.events.length >= 2 && wait.events.every((e) => e.name === "poll"), `${wait.name}: poll events`);
    assert.equal(wait.events.at(-1).attributes["lakebase.poll.state"], "succeeded");
  }
  const walk = spans.find((s) => s.name === "lakebase walk ListBranches");
  assert.equal(walk.events.length, branches.length, "one page event per page (page_size 1)");

  const printed = JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
  assert.ok(!printed.includes(emulator.token), "no token in any span");
  console.log(`${spans.length} spans: ${callSpans.length} API calls (1 with a retry), ${waits.length} waits, 1 list walk of ${branches.length} pages`);
  for (const span of spans.slice(0, 6)) console.log(`  ${span.name} ${JSON.stringify(span.attributes)}${span.events.length ? ` +${span.events.length} events` : ""}`);
  console.log("otel-events: ok");
} finally {
  await emulator.stop();
  await provider.shutdown();
}
