/**
 * The dashboard's fault knobs (`POST /emulator/ui/faults`, one action per request): what a
 * developer flips while an app runs against the emulator. Each is a thin, validated call into what
 * tests already use (faults.ts, the endpoint listener), so the page and `emulator.faults` agree.
 */
import { HttpError } from "../http-errors.js";
import type { EmulatorContext } from "../state.js";

/** One knob flipped. */
export type KnobAction =
  | { readonly action: "suspend-endpoint"; readonly endpoint: string }
  | { readonly action: "drop-connections"; readonly endpoint: string }
  | { readonly action: "set-latency"; readonly ms: number }
  | { readonly action: "fail-next-requests"; readonly status: 429 | 503; readonly count: number }
  | { readonly action: "fail-next-operation" }
  | { readonly action: "reset-faults" };

const MAX_LATENCY_MS = 60_000;
const MAX_COUNT = 1000;

const invalid = (message: string) => new HttpError(400, "INVALID_PARAMETER_VALUE", message);

function integer(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) throw invalid(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

function listenerOf(ctx: EmulatorContext, endpoint: unknown) {
  if (typeof endpoint !== "string" || !ctx.store.endpoints.has(endpoint)) throw new HttpError(404, "NOT_FOUND", "endpoint not found");
  const listener = ctx.store.endpointRuntime.get(endpoint)?.listener;
  if (!listener) throw new HttpError(409, "FAILED_PRECONDITION", `endpoint ${endpoint} is not running yet`);
  return listener;
}

/** Applies one knob; returns a one-line description of what changed (the page shows it). */
export function applyKnob(ctx: EmulatorContext, body: Record<string, unknown>): string {
  const faults = ctx.faults;
  switch (body.action) {
    case "suspend-endpoint":
      listenerOf(ctx, body.endpoint).suspend();
      return `suspended ${String(body.endpoint)}`;
    case "drop-connections":
      listenerOf(ctx, body.endpoint).dropConnections();
      return `dropped the connections of ${String(body.endpoint)}`;
    case "set-latency":
      faults.set({ latencyMs: integer(body.ms, "ms", 0, MAX_LATENCY_MS) });
      return `API latency ${faults.settings.latencyMs} ms`;
    case "fail-next-requests": {
      const count = integer(body.count, "count", 0, MAX_COUNT);
      if (body.status === 429) faults.set({ next429: count });
      else if (body.status === 503) faults.set({ next503: count });
      else throw invalid("status must be 429 or 503");
      return `the next ${count} API requests answer ${body.status}`;
    }
    case "fail-next-operation":
      faults.set({ failNextOperations: faults.settings.failNextOperations + 1 });
      return faults.settings.failNextOperations === 1 ? "the next operation fails" : `the next ${faults.settings.failNextOperations} operations fail`;
    case "reset-faults":
      faults.reset();
      return "faults reset";
    default:
      throw invalid("action must be one of suspend-endpoint, drop-connections, set-latency, fail-next-requests, fail-next-operation, reset-faults");
  }
}
