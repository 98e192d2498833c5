import { DURATION_PATTERN, operations, type OperationId } from "../../generated/operations.js";
import { errors } from "../http-errors.js";
import { fieldName, present, valueAt } from "./paths.js";

/** A Duration field's accepted range in seconds, inclusive (the spec's `x-duration-bounds`). */
export interface Bounds {
  readonly minimum?: number;
  readonly maximum?: number;
}

/**
 * Nanoseconds of a proto Duration string ("600s", "3.5s"), exactly; undefined for anything else
 * ("600", "10m", 600). BigInt so "604800.000000001s" is above "604800s".
 */
export function durationNanos(value: unknown): bigint | undefined {
  if (typeof value !== "string" || !DURATION_PATTERN.test(value)) return undefined;
  const negative = value.startsWith("-");
  const [whole = "0", fraction = ""] = value.slice(negative ? 1 : 0, -1).split(".");
  const nanos = BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, "0"));
  return negative ? -nanos : nanos;
}

/** Milliseconds of a Duration string already checked by `checkDuration`. */
export const durationMs = (value: unknown): number => Number(durationNanos(value) ?? 0n) / 1e6;

const nanosOf = (seconds: number): bigint => BigInt(Math.round(seconds * 1e9));

function range({ minimum, maximum }: Bounds): string {
  if (minimum !== undefined && maximum !== undefined) return `must be between ${minimum}s and ${maximum}s`;
  return minimum !== undefined ? `must be at least ${minimum}s` : `must be at most ${maximum}s`;
}

/** Refuses `value` unless it is a Duration string within `bounds` (docs/api-behaviour.md#emulator-validation). */
export function checkDuration(field: string, value: unknown, bounds: Bounds = {}): void {
  const nanos = durationNanos(value);
  if (nanos === undefined) throw errors.invalidValue(field, 'must be a Duration: decimal seconds with an "s" suffix, e.g. "600s"', value);
  if ((bounds.minimum !== undefined && nanos < nanosOf(bounds.minimum)) || (bounds.maximum !== undefined && nanos > nanosOf(bounds.maximum))) {
    throw errors.invalidValue(field, range(bounds), value);
  }
}

/** Every Duration field of the body against its `x-duration-bounds`, read from the operation table. */
export function checkDurations(id: OperationId, body: unknown): void {
  const durations: { readonly [path: string]: Bounds } = operations[id].body?.durations ?? {};
  for (const [path, bounds] of Object.entries(durations)) {
    const value = valueAt(body, path);
    if (present(value)) checkDuration(fieldName(id, path), value, bounds);
  }
}
