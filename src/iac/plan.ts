/*
 * plan: reads the live state of every described resource (and, with `prune`, of the children of
 * the described projects and branches) and says what apply would do. Nothing is changed.
 */
import type { Lakebase } from "../ops/context.js";
import { checkBody, immutableChanges, samePermissions, updateFor } from "./compare.js";
import { readDesired } from "./desired.js";
import { RecreateRequiredError } from "./errors.js";
import { formatPlan } from "./format.js";
import { childKinds, isImplicit, isMadeWithParent, KINDS } from "./kinds.js";
import { readProjectPermissions } from "./permissions.js";
import { forkRanks } from "./order.js";
import { mapLimited } from "./pool.js";
import { readLive } from "./read.js";
import type { BundleResources, DesiredResource, DesiredState, FieldChange, Json, Plan, PlannedChange, PlanOptions } from "./types.js";

/** How many reads plan runs at once. */
const READ_CONCURRENCY = 8;

/**
 * What `apply` would change to make the live state match `desired`, without changing anything.
 * `desired` is the SDK's typed description or, as is, a bundle's `resources` section (fields flat,
 * `${resources.<kind>.<key>.id}` references resolved). Throws ValidationError for a bad
 * description and RecreateRequiredError for an immutable field that differs (unless `allowRecreate`).
 */
export function plan(lakebase: Lakebase, desired: DesiredState, options?: PlanOptions): Promise<Plan>;
/** The same, for a bundle's resources section (or the whole parsed bundle). */
export function plan(lakebase: Lakebase, bundle: BundleResources, options?: PlanOptions): Promise<Plan>;
export async function plan(lakebase: Lakebase, desired: DesiredState | BundleResources, options: PlanOptions = {}): Promise<Plan> {
  const resources = readDesired(desired);
  for (const r of resources) if (!r.absent) checkBody(r.kind, r.body, r.source);
  const call = { signal: options.signal };
  const current = new Map<string, Json | undefined>();
  await mapLimited(resources, READ_CONCURRENCY, async (r) => current.set(r.name, await readLive(lakebase, r.kind, r.name, call)));

  const byName = new Map(resources.map((r) => [r.name, r]));
  const changes = new Map<string, PlannedChange>();
  const recreateRefused: RecreateRequiredError["resources"][number][] = [];
  const replaced = new Set<string>(); // names deleted and created again: their children start over

  for (const r of resources) {
    // A parent created (or deleted and created again) in this apply: the child does not exist yet,
    // except the ones the service makes with it, which are adopted.
    const parentIsNew = r.parent !== undefined && (replaced.has(r.parent) || changes.get(r.parent)?.action === "create");
    const now = r.parent !== undefined && replaced.has(r.parent) ? undefined : current.get(r.name);
    if (r.absent) {
      changes.set(r.name, now ? { action: "delete", kind: r.kind, name: r.name, fields: [], desired: r, current: now } : { action: "noop", kind: r.kind, name: r.name, fields: [], desired: r, reason: "absent already" });
      continue;
    }
    if (now === undefined) {
      const implicit = isImplicit(r.kind, r.id) && parentIsNew;
      changes.set(r.name, {
        action: "create",
        kind: r.kind,
        name: r.name,
        fields: [],
        desired: r,
        ...(implicit ? { implicit: true, reason: `adopts the ${r.id} ${r.kind} its parent is created with` } : {}),
      });
      continue;
    }
    const immutable = immutableChanges(r.kind, now, r.body);
    if (immutable.length > 0) {
      if (!options.allowRecreate) recreateRefused.push({ kind: r.kind, name: r.name, fields: immutable });
      replaced.add(r.name);
      changes.set(r.name, { action: "recreate", kind: r.kind, name: r.name, fields: immutable, desired: r, current: now, reason: "immutable fields differ" });
      continue;
    }
    const { mask, fields } = updateFor(r.kind, now, r.body);
    const permissions = r.permissions ? await permissionChange(lakebase, r, call) : undefined;
    const action = mask.length > 0 || permissions ? "update" : "noop";
    changes.set(r.name, { action, kind: r.kind, name: r.name, fields, ...(mask.length ? { mask } : {}), ...(permissions ? { permissions } : {}), desired: r, current: now });
  }
  if (recreateRefused.length > 0) throw new RecreateRequiredError(recreateRefused);

  const pruned = options.prune ? await prunable(lakebase, resources, current, byName, call) : [];
  return makePlan(orderForApply([...changes.values(), ...pruned]));
}

async function permissionChange(lakebase: Lakebase, r: DesiredResource, options: { signal?: AbortSignal }): Promise<PlannedChange["permissions"]> {
  const current = await readProjectPermissions(lakebase, r.name, options);
  return samePermissions(current, r.permissions!) ? undefined : { current, desired: r.permissions! };
}

/** Children of described, existing, kept projects and branches that the description leaves out (never the implicit ones). */
async function prunable(
  lakebase: Lakebase,
  resources: readonly DesiredResource[],
  current: ReadonlyMap<string, Json | undefined>,
  described: ReadonlyMap<string, DesiredResource>,
  options: { signal?: AbortSignal },
): Promise<PlannedChange[]> {
  const out: PlannedChange[] = [];
  const parents = resources.filter((r) => !r.absent && current.get(r.name) !== undefined && childKinds(r.kind).length > 0);
  // The owner's role is made with every branch: prune needs the owner even when the project is not described.
  const owners = new Map<string, Promise<unknown>>();
  const ownerOf = (name: string) => {
    const project = name.split("/").slice(0, 2).join("/");
    if (!owners.has(project)) {
      const known = current.get(project);
      owners.set(project, known ? Promise.resolve(known) : readLive(lakebase, "project", project, options));
    }
    return owners.get(project)!.then((p) => ((p as Json | undefined)?.status as Json | undefined)?.owner);
  };
  await mapLimited(parents, READ_CONCURRENCY, async (parent) => {
    for (const kind of childKinds(parent.kind)) {
      for await (const child of KINDS[kind].list(lakebase, parent.name, options)) {
        const name = String(child.name);
        if (described.has(name) || isMadeWithParent(kind, child, await ownerOf(parent.name))) continue;
        out.push({ action: "delete", kind, name, fields: [], current: child, reason: "pruned: not in the desired state" });
      }
    }
  });
  return out;
}

/** Creates, updates and no-ops parents first (a branch after the branch it forks from); then deletes, children first. */
function orderForApply(changes: readonly PlannedChange[]): PlannedChange[] {
  const level = (c: PlannedChange) => KINDS[c.kind].level;
  const ranks = forkRanks(changes);
  const keep = changes.filter((c) => c.action !== "delete").sort((a, b) => level(a) - level(b) || ranks.get(a.name)! - ranks.get(b.name)!);
  const drop = changes.filter((c) => c.action === "delete").sort((a, b) => level(b) - level(a));
  return [...keep, ...drop];
}

function makePlan(resources: readonly PlannedChange[]): Plan {
  const changes = resources.filter((c) => c.action !== "noop");
  return { resources, changes, toString: () => formatPlan(resources) };
}

export type { FieldChange };
