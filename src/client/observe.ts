/**
 * Who listens to a client's events (src/ops/events.ts): the `onEvent` option, the `onRequest`
 * alias, and the debug logger — switched by the `debug` option or, when that is not given, by
 * `LAKEBASE_SDK_DEBUG`. The environment is read through `globalThis.process?.env` so that the
 * core entry stays fetch-only (no `node:` import) and runs where there is no `process`.
 *
 * Of the Databricks SDKs' debug variables, `DATABRICKS_DEBUG_TRUNCATE_BYTES` is followed here;
 * `DATABRICKS_DEBUG_HEADERS` is a knob of clients created from the environment (knobs.ts,
 * debug-headers.ts: every credential-bearing header shown as `***`), since events carry no
 * headers besides the request id of the `response` event.
 */
import type { OperationId } from "../generated/operations.js";
import type { RequestInfo } from "../ops/call.js";
import { debugListener } from "../ops/debug-log.js";
import { createEventSink, type EventSink, type LakebaseEventListener } from "../ops/events.js";

/** The client options this module reads (documented on LakebaseClientOptions). */
export interface ObserveOptions {
  readonly onEvent?: LakebaseEventListener | undefined;
  readonly onRequest?: ((info: RequestInfo) => void) | undefined;
  readonly debug?: boolean | ((line: string) => void) | undefined;
  readonly includeBodies?: boolean | undefined;
}

/** An environment variable, or "" where there is no `process` or reading it is refused (Deno without --allow-env). */
function env(name: string): string {
  try {
    return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name] ?? "";
  } catch {
    return "";
  }
}

/** The client's event sink, or undefined when nobody listens (then no event is ever built). */
export function eventSinkOf(options: ObserveOptions): EventSink | undefined {
  const { onEvent, onRequest, debug } = options;
  const listeners: LakebaseEventListener[] = onEvent ? [onEvent] : [];
  if (onRequest) {
    listeners.push((e) => e.type === "request" && onRequest({ operationId: e.operationId as OperationId, method: e.method, path: e.path }));
  }
  // `debug: false` silences the environment too; `LAKEBASE_SDK_DEBUG=body` also logs bodies.
  const level = env("LAKEBASE_SDK_DEBUG");
  const debugging = debug ?? /^(1|true|body)$/i.test(level);
  if (debugging) {
    listeners.push(debugListener(typeof debug === "function" ? debug : (line) => console.error(line), +env("DATABRICKS_DEBUG_TRUNCATE_BYTES") || 96));
  }
  return createEventSink(listeners, options.includeBodies ?? (!!debugging && /^body$/i.test(level)));
}
