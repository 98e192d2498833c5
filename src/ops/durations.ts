import { DURATION_PATTERN } from "../generated/operations.js";
import { ValidationError } from "./errors.js";

/** A Duration field's accepted range in seconds, inclusive (the spec's `x-duration-bounds`). */
export interface DurationBounds {
  readonly minimum?: number;
  readonly maximum?: number;
}

const FORMAT_RULE = 'must be a Duration string: seconds with an "s" suffix and up to 9 fractional digits, e.g. "300s" or "3.5s"';

/**
 * Nanoseconds of a Duration string, exactly (BigInt: "3600.000000001s" is above "3600s", which
 * floating point would blur for large values). Undefined when the string is not a Duration.
 */
function nanos(text: string): bigint | undefined {
  if (!DURATION_PATTERN.test(text)) return undefined;
  const negative = text.startsWith("-");
  const [whole = "0", fraction = ""] = text.slice(negative ? 1 : 0, -1).split(".");
  const value = BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, "0"));
  return negative ? -value : value;
}

function boundNanos(seconds: number): bigint {
  return nanos(`${seconds}s`) ?? BigInt(Math.round(seconds * 1e9));
}

/** The rule `value` breaks as a Duration within `bounds`, or undefined when it is fine. */
export function durationProblem(value: unknown, bounds: DurationBounds = {}): string | undefined {
  if (typeof value !== "string") return FORMAT_RULE;
  const ns = nanos(value);
  if (ns === undefined) return FORMAT_RULE;
  const { minimum, maximum } = bounds;
  const range =
    minimum !== undefined && maximum !== undefined
      ? `must be between ${minimum}s and ${maximum}s`
      : minimum !== undefined
        ? `must be at least ${minimum}s`
        : `must be at most ${maximum}s`;
  if (minimum !== undefined && ns < boundNanos(minimum)) return range;
  if (maximum !== undefined && ns > boundNanos(maximum)) return range;
  return undefined;
}

/** Throws a ValidationError naming `field` unless `value` is a Duration string within `bounds`. */
export function checkDuration(field: string, value: unknown, bounds?: DurationBounds): string {
  const problem = durationProblem(value, bounds);
  if (problem !== undefined) throw new ValidationError(field, problem, { value });
  return value as string;
}
