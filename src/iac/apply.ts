/*
 * apply: carries a plan out, level by level (projects, branches, endpoints and roles, databases;
 * then deletes, children first), up to `concurrency` resources of one level at once, waiting each
 * operation. What it knows of the service (docs/api-behaviour.md#create-delete-and-undelete):
 * - implicit resources (a project's `production` branch, a branch's `primary` endpoint) are read
 *   and updated, never created;
 * - ALREADY_EXISTS on a create (a retried create whose first attempt got through, or a resource made
 *   since the plan) is resolved by reading the resource and updating it to the desired state; when
 *   the id is held by a soft-deleted project or branch, that one is restored (Undelete) and updated;
 * - an endpoint's operation can be done while reconciliation still runs: apply waits until the
 *   endpoint is ready after each change (a 409 "reconciliation" is retried by UpdateEndpoint itself);
 * - MANAGED_BY_PARENT on a delete is done when the parent is deleted in the same apply;
 * - a recreate deletes with purge (a soft-deleted id stays reserved) and creates again.
 * A failure stops the apply after the level it happened in (ApplyError); plan and apply again to
 * continue from the live state.
 */
import { waitForEndpointReady } from "../client/endpoints.js";
import { AlreadyExistsError, ApiError, NotFoundError } from "../ops/errors.js";
import type { Lakebase } from "../ops/context.js";
import type { OperationHandle } from "../ops/lro/operation.js";
import { immutableChanges, samePermissions, updateFor } from "./compare.js";
import { ApplyError, RecreateRequiredError } from "./errors.js";
import { KINDS } from "./kinds.js";
import { readProjectPermissions, writeProjectPermissions } from "./permissions.js";
import { readLive } from "./read.js";
import { forkRanks } from "./order.js";
import { mapLimited } from "./pool.js";
import type { AppliedResource, ApplyOptions, ApplyProgress, DesiredResource, Json, Plan, PlannedChange } from "./types.js";

const DEFAULT_CONCURRENCY = 4;

interface Run {
  readonly lakebase: Lakebase;
  readonly options: ApplyOptions;
  /** Names deleted by this apply (a MANAGED_BY_PARENT child goes with them). */
  readonly deleting: ReadonlySet<string>;
}

/**
 * Makes the live state what `plan` says, and returns one entry per resource of the plan:
 * created, updated, unchanged or deleted, with the resource as the server answered it.
 */
export async function apply(lakebase: Lakebase, plan: Plan, options: ApplyOptions = {}): Promise<AppliedResource[]> {
  const run: Run = { lakebase, options, deleting: new Set(plan.resources.filter((c) => c.action === "delete").map((c) => c.name)) };
  const done: AppliedResource[] = [];
  for (const step of steps(plan.resources)) {
    const failures: ApplyError["failures"][number][] = [];
    await mapLimited(step, options.concurrency ?? DEFAULT_CONCURRENCY, async (change) => {
      options.signal?.throwIfAborted();
      const started = Date.now();
      const report = (phase: ApplyProgress["phase"], extra: Partial<ApplyProgress> = {}) =>
        options.onProgress?.({ kind: change.kind, name: change.name, action: change.action, phase, elapsedMs: Date.now() - started, ...extra });
      report("started");
      try {
        done.push(await applyOne(run, change, (operation) => report("waiting", { operation })));
        report("done");
      } catch (error) {
        report("failed", { error });
        failures.push({ kind: change.kind, name: change.name, error });
      }
    });
    // Cancelled: the caller's reason, as every cancelled call of the SDK rejects (what is done stays done; plan again to continue).
    options.signal?.throwIfAborted();
    if (failures.length > 0) throw new ApplyError(done, failures);
  }
  const order = new Map(plan.resources.map((c, i) => [c.name, i]));
  return done.sort((a, b) => order.get(a.name)! - order.get(b.name)!);
}

/** The plan cut into steps that may run concurrently: one per phase, level and fork rank (order.ts), in plan order. */
function steps(resources: readonly PlannedChange[]): PlannedChange[][] {
  const out: PlannedChange[][] = [];
  const ranks = forkRanks(resources);
  let key = "";
  for (const change of resources) {
    const next = `${change.action === "delete" ? "d" : "k"}${KINDS[change.kind].level}.${ranks.get(change.name)}`;
    if (next !== key) out.push([]);
    key = next;
    out[out.length - 1]!.push(change);
  }
  return out;
}

async function applyOne(run: Run, change: PlannedChange, waiting: (operation: string) => void): Promise<AppliedResource> {
  const { kind, name } = change;
  switch (change.action) {
    case "noop":
      return change.current ? { action: "unchanged", kind, name, resource: change.current } : { action: "deleted", kind, name };
    case "delete":
      await remove(run, change, false, waiting);
      return { action: "deleted", kind, name };
    case "recreate":
      await remove(run, change, true, waiting);
      return { action: "created", kind, name, resource: await create(run, change.desired!, waiting) };
    case "update":
      return converge(run, change.desired!, change.current!, waiting, change);
    case "create": {
      const desired = change.desired!;
      if (change.implicit) {
        const found = await read(run, desired);
        if (found) return converge(run, desired, found, waiting);
      }
      try {
        return { action: "created", kind, name, resource: await create(run, desired, waiting) };
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw error;
        const found = await read(run, desired);
        if (found) return converge(run, desired, found, waiting);
        // The id is taken by a soft-deleted resource (a project's or branch's id stays reserved
        // until purged): restore it, then bring it to the desired state.
        const undelete = KINDS[kind].undelete;
        if (!undelete) throw error;
        await wait(run, undelete(run.lakebase, name, { signal: run.options.signal }), waiting);
        const restored = await read(run, desired);
        if (!restored) throw error;
        const converged = await converge(run, desired, restored, waiting);
        return { ...converged, action: "created" };
      }
    }
  }
}

async function create(run: Run, desired: DesiredResource, waiting: (operation: string) => void): Promise<Json> {
  const calls = KINDS[desired.kind];
  const created = await wait(run, calls.create(run.lakebase, desired.parent, desired.id, desired.body, { signal: run.options.signal }), waiting);
  const ready = await settle(run, desired, created);
  if (desired.permissions) await writeProjectPermissions(run.lakebase, desired.name, desired.permissions, { signal: run.options.signal });
  return ready;
}

/**
 * Brings an existing resource to the desired state: the plan's mask when the plan had one, else the
 * mask derived now (an adopted or already-existing resource). Unchanged when nothing differs.
 */
async function converge(run: Run, desired: DesiredResource, current: Json, waiting: (operation: string) => void, planned?: PlannedChange): Promise<AppliedResource> {
  const { kind, name } = desired;
  const { mask, permissions } = planned ? { mask: planned.mask ?? [], permissions: planned.permissions !== undefined } : await compareNow(run, desired, current);
  if (mask.length === 0 && !permissions) return { action: "unchanged", kind, name, resource: current };
  let resource = current;
  if (mask.length > 0) {
    if (kind === "endpoint") await endpointReady(run, name);
    // UpdateEndpoint retries a 409 "reconciliation" itself (the spec's x-retry-conflict).
    resource = await settle(run, desired, await wait(run, KINDS[kind].update(run.lakebase, name, desired.body, mask, { signal: run.options.signal }), waiting));
  }
  if (permissions) await writeProjectPermissions(run.lakebase, name, desired.permissions!, { signal: run.options.signal });
  return { action: "updated", kind, name, resource };
}

/** An existing resource not planned against (adopted, or found on create): compared now, as plan does. */
async function compareNow(run: Run, desired: DesiredResource, current: Json): Promise<{ mask: readonly string[]; permissions: boolean }> {
  const immutable = immutableChanges(desired.kind, current, desired.body);
  if (immutable.length > 0) throw new RecreateRequiredError([{ kind: desired.kind, name: desired.name, fields: immutable }]);
  const { mask } = updateFor(desired.kind, current, desired.body);
  const permissions = desired.permissions !== undefined && !samePermissions(await readProjectPermissions(run.lakebase, desired.name, { signal: run.options.signal }), desired.permissions);
  return { mask, permissions };
}

async function remove(run: Run, change: PlannedChange, recreate: boolean, waiting: (operation: string) => void): Promise<void> {
  const purge = recreate || change.desired?.purgeOnDelete === true;
  try {
    await wait(run, KINDS[change.kind].remove(run.lakebase, change.name, purge, { signal: run.options.signal }), waiting);
  } catch (error) {
    if (error instanceof NotFoundError) return; // gone already (a crash after the delete, or a parent's delete)
    const parent = change.name.slice(0, change.name.lastIndexOf("/", change.name.lastIndexOf("/") - 1));
    if (error instanceof ApiError && error.managedByParent && run.deleting.has(parent)) return;
    throw error;
  }
}

/** After a create or update: an endpoint is waited until ready (the operation may end before reconciliation does). */
async function settle(run: Run, desired: DesiredResource, resource: Json): Promise<Json> {
  return desired.kind === "endpoint" ? endpointReady(run, desired.name) : resource;
}

function endpointReady(run: Run, name: string): Promise<Json> {
  return waitForEndpointReady(run.lakebase, name as never, { signal: run.options.signal, timeoutMs: run.options.timeoutMs, pollIntervalMs: run.options.pollIntervalMs }) as unknown as Promise<Json>;
}

async function wait(run: Run, handle: OperationHandle<unknown, unknown>, waiting: (operation: string) => void): Promise<Json> {
  const operation = await handle.submitted();
  waiting(operation.name ?? "");
  return (await handle.wait({ signal: run.options.signal, timeoutMs: run.options.timeoutMs, pollIntervalMs: run.options.pollIntervalMs })) as Json;
}

function read(run: Run, desired: DesiredResource): Promise<Json | undefined> {
  return readLive(run.lakebase, desired.kind, desired.name, { signal: run.options.signal });
}
