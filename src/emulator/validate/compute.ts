import { errors } from "../http-errors.js";
import type { Json } from "../state.js";
import { present } from "./paths.js";

/**
 * Compute sizing as the API documents it (docs/api-behaviour.md#emulator-validation): at least
 * 0.5 CU, at most 64, the maximum not below the minimum and at most 16 CU above it; an HA group
 * of at least one compute with `max` equal to `min`. The spec states these in descriptions only
 * (no `minimum`/`maximum`), so they are kept here.
 */
export const CU_MIN = 0.5;
export const CU_MAX = 64;
export const CU_SPREAD = 16;

export interface Sizing {
  /** The effective limits: what the request sent over what the resource already has or inherits. */
  readonly min: unknown;
  readonly max: unknown;
  /** Whether the request itself sent each limit (the message names the field the caller sent). */
  readonly sentMin: boolean;
  readonly sentMax: boolean;
}

/** `prefix` names the message holding the limits, e.g. `endpoint.spec`. */
export function checkComputeUnits(prefix: string, { min, max, sentMin, sentMax }: Sizing): void {
  const minField = `${prefix}.autoscaling_limit_min_cu`;
  const maxField = `${prefix}.autoscaling_limit_max_cu`;
  for (const [field, value] of [[minField, min], [maxField, max]] as const) {
    if (typeof value !== "number" || !Number.isFinite(value)) throw errors.invalidValue(field, "must be a number of compute units", value);
    if (value < CU_MIN || value > CU_MAX) throw errors.invalidValue(field, `must be between ${CU_MIN} and ${CU_MAX}`, value);
  }
  const lo = min as number;
  const hi = max as number;
  if (hi < lo) {
    throw sentMin && !sentMax
      ? errors.invalidValue(minField, `must not exceed autoscaling_limit_max_cu (${hi})`, lo)
      : errors.invalidValue(maxField, `must not be below autoscaling_limit_min_cu (${lo})`, hi);
  }
  if (hi - lo > CU_SPREAD) {
    throw sentMin && !sentMax
      ? errors.invalidValue(minField, `must be at least autoscaling_limit_max_cu - ${CU_SPREAD} (${hi - CU_SPREAD})`, lo)
      : errors.invalidValue(maxField, `must be at most autoscaling_limit_min_cu + ${CU_SPREAD} (${lo + CU_SPREAD})`, hi);
  }
}

/** An endpoint group: both sizes required (they are REQUIRED in EndpointGroupSpec), at least 1, and equal. */
export function checkGroup(prefix: string, group: Json | undefined): void {
  if (!present(group)) return;
  for (const key of ["min", "max"]) {
    const value = group![key];
    if (!present(value) || value === 0) throw errors.required(`${prefix}.group.${key}`);
    if (!Number.isInteger(value) || (value as number) < 1) throw errors.invalidValue(`${prefix}.group.${key}`, "must be an integer of at least 1", value);
  }
  if (group!.max !== group!.min) throw errors.invalidValue(`${prefix}.group.max`, `must equal group.min (${group!.min})`, group!.max);
}
