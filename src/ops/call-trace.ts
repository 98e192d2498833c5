/**
 * The events of one API call (events.ts): `request` when it starts, `retry` from the retry layer
 * (retry.ts, through `Outgoing.trace`), `response` when it ends. Built only when the client has a
 * listener: sendCall starts a trace only then, so a client without one pays a single check.
 * Optional fields a call has no value for are `undefined` rather than missing: each conditional
 * spread would cost the core bundle bytes (test/budgets/bundle-budgets.mjs).
 */
import type { OperationInfo } from "../generated/operations.js";
import { errorLabel, redactBody, redactUrl } from "./event-redact.js";
import type { EventSink, RetryEvent } from "./events.js";
import type { Reply } from "./exchange.js";
import { requestIdOf } from "./parse-error-body.js";

/** @internal Where the retry layer reports a retry of the call (exchange.ts `Outgoing.trace`). */
export type CallTrace = (facts: Pick<RetryEvent, "reason" | "delayMs" | "attempt" | "budgetLeftMs" | "retriesLeft">) => void;

/** @internal A started call: `trace` goes down with the request, `end` reports its final answer or the error that left it without one. */
export interface TracedCall {
  readonly trace: CallTrace;
  readonly end: (reply: Reply | undefined, error?: unknown) => void;
}

/** Emits the call's `request` event and returns its trace. */
export function startCall(sink: EventSink, op: OperationInfo, url: string, body: string | undefined): TracedCall {
  const base = { callId: ++sink.calls, operationId: op.id, method: op.method, path: op.path };
  const started = Date.now();
  let attempt = 1;
  sink({
    type: "request",
    ...base,
    url: redactUrl(url),
    body: sink.includeBodies ? redactBody(body) : undefined,
  });
  return {
    trace(facts) {
      attempt = facts.attempt + 1;
      sink({ type: "retry", ...base, ...facts });
    },
    end: (reply, error) =>
      sink({
        type: "response",
        ...base,
        status: reply?.status,
        requestId: (reply && requestIdOf(reply.headers)) || undefined,
        warning: reply?.headers.get("warning") ?? undefined,
        durationMs: Date.now() - started,
        attempt,
        error: reply ? undefined : errorLabel(error),
        body: sink.includeBodies ? redactBody(reply?.text) : undefined,
      }),
  };
}
