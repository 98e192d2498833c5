import type { operations as Ops } from "../generated/openapi.js";
import type { CallOptions } from "../ops/call.js";

/** The query parameters of an operation, as the spec declares them. */
export type QueryOf<Id extends keyof Ops> = Ops[Id]["parameters"] extends { query?: infer Q }
  ? NonNullable<Q>
  : Record<string, never>;

/** A method's options: its optional query parameters (snake_case, as on the wire) plus per-call options (camelCase). */
export type OptionsOf<Id extends keyof Ops, Positional extends string = never> = Omit<QueryOf<Id>, Positional> & CallOptions;

/** `update_mask` accepts the list of paths or the comma-separated string the wire carries. */
export type UpdateMaskOption = { readonly update_mask: string | readonly string[] };

/** Splits per-call options from query parameters. */
export function splitOptions<T extends CallOptions>(options: T | undefined): { query: Record<string, unknown>; call: CallOptions } {
  if (!options) return { query: {}, call: {} };
  const { signal, headers, ...query } = options;
  return { query, call: { signal, headers } };
}
