import type { Operation } from "../generated/models.js";
import type { operations as Ops } from "../generated/openapi.js";
import { operations, type OperationId } from "../generated/operations.js";
import { checkNameAndBody, prepareCall, sendCall, type CallArgs, type CallContext, type CallOptions } from "../ops/call.js";
import { OperationHandle, type OperationDriver } from "../ops/lro/operation.js";
import type { LroMetadata, LroOperationId, LroResult } from "../ops/lro/types.js";
import { Paginated, readPage } from "../ops/paginate.js";
// The two mask functions, not the fieldMask object: diff() stays out of bundles that never call it.
import { fromPatch } from "../ops/masks/from-patch.js";
import { validate as validateMask } from "../ops/masks/validate.js";
import type { MaskPath, MaskResource } from "../ops/masks/field-path.js";

/** What every resource namespace needs: the call path and the operation poller. */
export interface ResourceContext extends CallContext {
  readonly driver: OperationDriver;
}

/** The query parameters of an operation, as the spec declares them. */
export type QueryOf<Id extends keyof Ops> = Ops[Id]["parameters"] extends { query?: infer Q }
  ? NonNullable<Q>
  : Record<string, never>;

/** A method's options: its optional query parameters (snake_case, as on the wire) plus per-call options (camelCase). */
export type OptionsOf<Id extends keyof Ops, Positional extends string = never> = Omit<QueryOf<Id>, Positional> & CallOptions;

/** List options: the filters of the list method (page_token is handled by the Paginated result). */
export type ListOptionsOf<Id extends keyof Ops> = Omit<QueryOf<Id>, "page_token"> & { readonly signal?: AbortSignal; readonly headers?: Record<string, string> };

/** Splits per-call options from query parameters. */
export function splitOptions<T extends CallOptions>(options: T | undefined): { query: Record<string, unknown>; call: CallOptions } {
  if (!options) return { query: {}, call: {} };
  const { signal, headers, ...query } = options;
  return { query, call: { signal, headers } };
}

export type Handle<K extends LroOperationId> = OperationHandle<LroResult<K>, LroMetadata<K>>;

/**
 * Sends a mutation now and returns its operation handle at once. Input errors and the server's
 * answer both arrive through the handle (`await`, `submitted()`, `wait()`).
 */
export function mutation<K extends LroOperationId>(
  ctx: ResourceContext,
  operationId: K,
  args: CallArgs,
  send: (call: CallOptions) => Promise<Operation> = (call) => defaultSend(ctx, operationId, args, call),
): Handle<K> {
  let submit: Promise<Operation>;
  try {
    submit = send(args.options ?? {});
  } catch (error) {
    submit = Promise.reject(error);
  }
  const lro = operations[operationId].lro;
  return new OperationHandle(ctx.driver, { kind: operationId, resultSchema: lro?.response }, submit);
}

function defaultSend(ctx: ResourceContext, operationId: OperationId, args: CallArgs, call: CallOptions): Promise<Operation> {
  const prepared = prepareCall(operationId, args);
  return sendCall<Operation>(ctx, prepared, call).then((r) => r.data);
}

/** A lazily fetched list: input is checked now (throws ValidationError), pages are fetched on iteration. */
export function listing<T>(ctx: ResourceContext, operationId: OperationId, args: Omit<CallArgs, "options">, options: CallOptions = {}): Paginated<T> {
  const prepared = prepareCall(operationId, args);
  const itemsField = operations[operationId].paginated?.items;
  if (!itemsField) throw new TypeError(`${operationId} is not a paginated list`);
  return new Paginated<T>(
    operationId,
    async (pageToken, signal) => {
      const { data } = await sendCall<unknown>(ctx, prepared, { ...options, signal }, pageToken ? { page_token: pageToken } : undefined);
      return readPage<T>(operationId, itemsField, data);
    },
    options.signal,
  );
}

/** `update_mask` is optional: without it the SDK derives it from the patch by the live API's rules. */
export type UpdateOptions<R extends MaskResource> = CallOptions & {
  /** Explicit mask (checked against the same rules); omit it to derive the mask from the patch. */
  readonly update_mask?: readonly MaskPath<R>[] | string;
};

/** The mask to send: the explicit one, checked, or the one derived from the patch. */
export function resolveMask<R extends MaskResource>(resource: R, patch: object, explicit: readonly string[] | string | undefined): string {
  const paths = explicit === undefined ? fromPatch(resource, patch) : validateMask(resource, explicit, patch);
  return paths.join(",");
}

/** Sends an update with its mask resolved first: a bad patch is refused before any request. */
export function updateMutation<K extends LroOperationId, R extends MaskResource>(
  ctx: ResourceContext,
  operationId: K,
  resource: R,
  name: string,
  patch: object,
  options: UpdateOptions<R> | undefined,
): Handle<K> {
  const { update_mask, ...call } = options ?? {};
  return mutation(ctx, operationId, { resource: name, body: patch, options: call }, (callOptions) => {
    // The name and the patch itself first: the mask is derived from a patch known to be sendable.
    checkNameAndBody(operationId, { resource: name, body: patch });
    const query = { update_mask: resolveMask(resource, patch, update_mask) };
    return sendCall<Operation>(ctx, prepareCall(operationId, { resource: name, body: patch, query }), callOptions).then((r) => r.data);
  });
}
