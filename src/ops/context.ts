import type { CallContext } from "./call.js";

/**
 * Where a client keeps what its calls need. A `Symbol.for` key, so that the generated functions of
 * one copy of the package accept a client made by another (the ESM and the CommonJS build).
 */
export const CONTEXT: unique symbol = Symbol.for("lakebase-sdk.context");


/**
 * A client, as the generated functions take it: `createCoreClient()` makes the smallest one,
 * `createLakebaseClient()` one with a method per operation on top.
 */
export interface Lakebase {
  /** The workspace URL requests go to. */
  readonly host: string;
  /** @internal */
  readonly [CONTEXT]: CallContext;
}

/** The context of a client, or a TypeError that says what was expected. */
export function contextOf(lakebase: Lakebase): CallContext {
  const ctx = (lakebase as Partial<Lakebase> | undefined)?.[CONTEXT];
  if (!ctx) throw new TypeError("expected a client made by createLakebaseClient() or createCoreClient()");
  return ctx;
}
