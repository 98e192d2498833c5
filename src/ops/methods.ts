/*
 * The few shapes every API method takes, for the generated functions (src/generated/functions.ts):
 * each passes its own operation constant, so these helpers carry no table of operations.
 */
import type { Operation } from "../generated/models.js";
import type { operations as Ops } from "../generated/openapi.js";
import type { OperationInfo } from "../generated/operations.js";
import { backoffDelay } from "./backoff.js";
import { checkNameAndBody, prepareCallWithBody } from "./body-checks.js";
import { prepareCall, sendCall, type CallContext, type CallOptions, type PreparedCall } from "./call.js";
import { contextOf, type Lakebase } from "./context.js";
import { ConflictError, ValidationError } from "./errors.js";
import { driverOf } from "./lro/driver.js";
import { OperationHandle } from "./lro/operation.js";
import type { LroMetadata, LroOperationId, LroResult } from "./lro/types.js";
// The two mask functions, not the fieldMask object: diff() stays out of bundles that never call it.
import { fromPatch } from "./masks/from-patch.js";
import type { MaskPath, MaskResource } from "./masks/field-path.js";
import { validate as validateMask } from "./masks/validate.js";
import { Paginated, readPage } from "./paginate.js";
import { sleep } from "./sleep.js";

/** The query parameters of an operation as the spec declares them (snake_case, as on the wire). */
export type QueryOf<Id extends keyof Ops> = Ops[Id]["parameters"] extends { query?: infer Q } ? NonNullable<Q> : Record<string, never>;

export type Handle<K extends LroOperationId> = OperationHandle<LroResult<K>, LroMetadata<K>>;

/** The parameters of an update: `update_mask` is optional, derived from the patch by the live API's rules. */
export interface UpdateParams<R extends MaskResource> {
  /** Explicit mask (checked against the same rules); omit it to derive the mask from the patch. */
  readonly update_mask?: readonly MaskPath<R>[] | string;
}

/** Per-call options of a delete the server may answer with a conflict that means "not yet" (endpoint reconciliation). */
export interface ConflictRetryOptions extends CallOptions {
  /** How long to keep retrying that 409 (default: the spec's `x-retry-conflict.timeoutMs`, 2 minutes). */
  readonly reconciliationTimeoutMs?: number;
}

/** A GET of one resource: input checked before any request. */
export async function getResource<T>(lakebase: Lakebase, op: OperationInfo, name: string, options?: CallOptions): Promise<T> {
  return (await sendCall<T>(contextOf(lakebase), prepareCall(op, { resource: name }), options)).data;
}

/** A synchronous call with a body (GenerateDatabaseCredential). */
export async function callResource<T>(lakebase: Lakebase, op: OperationInfo, body: unknown, options?: CallOptions): Promise<T> {
  return (await sendCall<T>(contextOf(lakebase), prepareCallWithBody(op, { body }), options)).data;
}

/** A synchronous call on a named resource with a body (SetProjectPermissions): name and body checked before any request. */
export async function sendResource<T>(lakebase: Lakebase, op: OperationInfo, name: string, body: unknown, options?: CallOptions): Promise<T> {
  return (await sendCall<T>(contextOf(lakebase), prepareCallWithBody(op, { resource: name, body }), options)).data;
}

/** A lazily fetched list: input is checked now (throws ValidationError), pages are fetched on iteration. */
export function listResources<T>(lakebase: Lakebase, op: OperationInfo, parent: string | undefined, params: object | undefined, options: CallOptions = {}): Paginated<T> {
  const ctx = contextOf(lakebase);
  const prepared = prepareCall(op, { resource: parent, query: params as Record<string, unknown> | undefined });
  const itemsField = op.paginated?.items;
  if (!itemsField) throw new TypeError(`${op.id} is not a paginated list`);
  return new Paginated<T>(
    op.id,
    async (pageToken, signal, number) => {
      const { data } = await sendCall<unknown>(ctx, prepared, { ...options, signal }, pageToken ? { page_token: pageToken } : undefined);
      const page = readPage<T>(op.id, itemsField, data);
      ctx.events?.({ type: "page", operationId: op.id, items: page.items.length, page: number, hasNext: !!page.nextPageToken });
      return page;
    },
    options.signal,
  );
}

/**
 * Sends a mutation now and returns its operation handle at once. Input errors and the server's
 * answer both arrive through the handle (`await`, `submitted()`, `wait()`).
 */
function mutation<K extends LroOperationId>(ctx: CallContext, op: OperationInfo, send: () => Promise<Operation>): Handle<K> {
  let submit: Promise<Operation>;
  try {
    submit = send();
  } catch (error) {
    submit = Promise.reject(error);
  }
  return new OperationHandle(driverOf(ctx), { kind: op.id, resultSchema: op.lro?.response }, submit);
}

function sendOperation(ctx: CallContext, prepared: PreparedCall, options: CallOptions | undefined): Promise<Operation> {
  return sendCall<Operation>(ctx, prepared, options).then((r) => r.data);
}

/** A create: the parent name, the new resource's id (in the query), the body. */
export function createResource<K extends LroOperationId>(
  lakebase: Lakebase,
  op: OperationInfo,
  parent: string | undefined,
  id: Record<string, string | undefined> | undefined,
  body: unknown,
  params: object | undefined,
  options?: CallOptions,
): Handle<K> {
  const ctx = contextOf(lakebase);
  return mutation(ctx, op, () => sendOperation(ctx, prepareCallWithBody(op, { resource: parent, query: { ...id, ...params, ...id }, body }), options));
}

/** An undelete: the name, an empty body. */
export function undeleteResource<K extends LroOperationId>(lakebase: Lakebase, op: OperationInfo, name: string, options?: CallOptions): Handle<K> {
  const ctx = contextOf(lakebase);
  return mutation(ctx, op, () => sendOperation(ctx, prepareCallWithBody(op, { resource: name, body: {} }), options));
}

/** An update: the mask is the explicit one, checked, or derived from the patch; a bad patch is refused before any request. */
export function updateResource<K extends LroOperationId, R extends MaskResource>(
  lakebase: Lakebase,
  op: OperationInfo,
  resource: R,
  name: string,
  patch: object,
  params: UpdateParams<R> | undefined,
  options?: ConflictRetryOptions,
): Handle<K> {
  const ctx = contextOf(lakebase);
  return mutation(ctx, op, () => {
    // The name and the patch itself first: the mask is derived from a patch known to be sendable.
    checkNameAndBody(op, { resource: name, body: patch });
    const explicit = params?.update_mask;
    const mask = explicit === undefined ? fromPatch(resource, patch) : validateMask(resource, explicit, patch);
    return sendRetryingConflict(ctx, op, prepareCallWithBody(op, { resource: name, body: patch, query: { ...params, update_mask: mask.join(",") } }), options);
  });
}

/** A delete (conflicts retried as the spec says: sendRetryingConflict). */
export function deleteResource<K extends LroOperationId>(
  lakebase: Lakebase,
  op: OperationInfo,
  name: string,
  params: object | undefined,
  options?: ConflictRetryOptions,
): Handle<K> {
  const ctx = contextOf(lakebase);
  return mutation(ctx, op, () => sendRetryingConflict(ctx, op, prepareCall(op, { resource: name, query: params as Record<string, unknown> | undefined }), options));
}

/**
 * Sends a mutation. Where the spec marks a conflict as "nothing done yet" (`x-retry-conflict`: the
 * endpoint's reconciliation still running, for its update and its delete), that 409 is retried
 * with backoff until its timeout.
 */
function sendRetryingConflict(ctx: CallContext, op: OperationInfo, prepared: PreparedCall, options: ConflictRetryOptions | undefined): Promise<Operation> {
  const { reconciliationTimeoutMs, ...call } = options ?? {};
  const retry = op.retryConflict;
  if (!retry) return sendOperation(ctx, prepared, call);
  const timeoutMs = reconciliationTimeoutMs ?? retry.timeoutMs;
  if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
    throw new ValidationError("reconciliationTimeoutMs", "must be a finite number of milliseconds ≥ 0");
  }
  return retryConflict(ctx, () => sendOperation(ctx, prepared, call), retry.message, timeoutMs, call.signal);
}

async function retryConflict<T>(ctx: CallContext, send: () => Promise<T>, message: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<T> {
  const start = driverOf(ctx).now();
  const pattern = new RegExp(message, "i");
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const notYet = error instanceof ConflictError && pattern.test(error.message);
      // The operation-poll numbers of old (1 s ×1.5 to 10 s, ±25 %): reconciliation takes seconds.
      const delay = backoffDelay({ attempt, baseMs: 1_000, factor: 1.5, capMs: 10_000, jitter: 0.25, random: driverOf(ctx).random });
      if (!notYet || driverOf(ctx).now() - start + delay > timeoutMs) throw error;
      await sleep(delay, signal);
    }
  }
}
