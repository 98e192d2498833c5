import { errors } from "../http-errors.js";
import { durationMs } from "./durations.js";
import { present } from "./paths.js";

// RFC 3339 as proto3 JSON writes a Timestamp: a date, a time, optional fraction, Z or an offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** Milliseconds since the epoch of a proto Timestamp string, or a refusal naming `field`. */
export function timestampMs(field: string, value: unknown): number {
  const ms = typeof value === "string" && RFC3339.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw errors.invalidValue(field, 'must be an RFC 3339 timestamp, e.g. "2030-01-01T00:00:00Z"', value);
  return ms;
}

/**
 * The expiration a `ttl` / `expire_time` asks for must lie in the future (docs/api-behaviour.md#emulator-validation):
 * `ttl` counts from the resource's creation, so on an update an old resource's short ttl is
 * already past. Returns the expiration in ms, or undefined when neither is set. The durations
 * were checked against their bounds before.
 */
export function futureExpiration(prefix: string, spec: { ttl?: unknown; expire_time?: unknown }, createdMs: number, nowMs: number): number | undefined {
  if (present(spec.ttl)) {
    const at = createdMs + durationMs(spec.ttl);
    if (at <= nowMs) throw errors.invalidValue(`${prefix}.ttl`, "must put the expiration (create_time + ttl) in the future", spec.ttl);
    return at;
  }
  if (present(spec.expire_time)) {
    const at = timestampMs(`${prefix}.expire_time`, spec.expire_time);
    if (at <= nowMs) throw errors.invalidValue(`${prefix}.expire_time`, "must be in the future", spec.expire_time);
    return at;
  }
  return undefined;
}
