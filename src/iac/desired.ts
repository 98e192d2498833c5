/*
 * Reads a desired state, in either accepted form, into one list of DesiredResource: the SDK's
 * typed description (`{ projects: [{ name, spec }], … }`) or a bundle's `resources` section
 * (bundle.ts). Every name is checked here, so plan and apply work on names that parse.
 */
import { ValidationError } from "../ops/errors.js";
import { kindOf } from "../ops/names.js";
import { fromBundle, isBundleShaped } from "./bundle.js";
import { KIND_ORDER, KINDS } from "./kinds.js";
import { PRINCIPALS } from "./permissions.js";
import type { DesiredResource, DesiredState, Json, ProjectPermission, ResourceKind } from "./types.js";

const PERMISSION_LEVELS = new Set(["CAN_USE", "CAN_MANAGE"]);

/** The desired resources, in creation order; throws ValidationError naming the entry at fault. */
export function readDesired(input: unknown): DesiredResource[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ValidationError("desired", "must be an object: { projects, branches, … } or a bundle's resources section");
  }
  const state = isBundleShaped(input) ? fromBundle(input as Json) : (input as DesiredState);
  // A misspelled list (`branchs`) would describe nothing, and with `prune` delete what it meant to keep.
  const lists = KIND_ORDER.map((k) => KINDS[k].collection as string);
  for (const key of Object.keys(state)) {
    if (!lists.includes(key)) throw new ValidationError(key, `is not a list of a desired state: expected ${lists.join(", ")} (or a bundle's postgres_* resources)`);
  }
  const out: DesiredResource[] = [];
  const seen = new Set<string>();
  for (const kind of KIND_ORDER) {
    const list = (state as Record<string, unknown>)[KINDS[kind].collection];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new ValidationError(KINDS[kind].collection, "must be a list of { name, spec } entries");
    list.forEach((entry: unknown, index) => {
      const where = (entry as { source?: string } | null)?.source ?? `${KINDS[kind].collection}[${index}]`;
      const resource = readEntry(kind, entry, where);
      if (seen.has(resource.name)) throw new ValidationError(`${where}.name`, `${resource.name} is described twice`);
      seen.add(resource.name);
      out.push(resource);
    });
  }
  const absent = new Set(out.filter((r) => r.absent).map((r) => r.name));
  for (const resource of out) {
    checkParent(resource);
    if (!resource.absent && resource.parent !== undefined && absent.has(resource.parent)) {
      throw new ValidationError(`${resource.source}.name`, `${resource.name} is described, but its parent ${resource.parent} is described as absent`);
    }
  }
  return out;
}

function readEntry(kind: ResourceKind, entry: unknown, where: string): DesiredResource {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new ValidationError(where, "must be an object { name, spec }");
  const e = entry as Json;
  const name = e.name;
  if (typeof name !== "string" || kindOf(name) !== kind) {
    const example = { project: "projects/p", branch: "projects/p/branches/b", endpoint: "projects/p/branches/b/endpoints/e", role: "projects/p/branches/b/roles/r", database: "projects/p/branches/b/databases/d" }[kind];
    throw new ValidationError(`${where}.name`, `must be ${aKind(kind)} name such as ${example} (got ${JSON.stringify(name)})`);
  }
  const cut = name.lastIndexOf("/");
  const parent = kind === "project" ? undefined : name.slice(0, name.lastIndexOf("/", cut - 1));
  const spec = e.spec ?? {};
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) throw new ValidationError(`${where}.spec`, "must be an object");
  return {
    kind,
    name,
    parent,
    id: name.slice(cut + 1),
    body: { spec: spec as Json },
    absent: e.absent === true,
    ...(e.permissions !== undefined ? { permissions: readPermissions(e.permissions, `${where}.permissions`, kind) } : {}),
    ...(e.purgeOnDelete === true ? { purgeOnDelete: true } : {}),
    source: where,
  };
}

function readPermissions(value: unknown, where: string, kind: ResourceKind): ProjectPermission[] {
  if (kind !== "project") throw new ValidationError(where, "permissions are set on projects only");
  if (!Array.isArray(value)) throw new ValidationError(where, "must be a list of { level, user_name | group_name | service_principal_name }");
  return value.map((p: unknown, i) => {
    const entry = (p ?? {}) as Json;
    const level = entry.level ?? entry.permission_level;
    if (typeof level !== "string" || !PERMISSION_LEVELS.has(level)) throw new ValidationError(`${where}[${i}].level`, `must be CAN_USE or CAN_MANAGE (got ${JSON.stringify(level)})`);
    const principals = PRINCIPALS.filter((k) => typeof entry[k] === "string" && entry[k] !== "");
    if (principals.length !== 1) throw new ValidationError(`${where}[${i}]`, `needs exactly one of ${PRINCIPALS.join(", ")}`);
    const principal = principals[0]!;
    return { level: level as ProjectPermission["level"], [principal]: entry[principal] as string };
  });
}

/** A child's name must sit under a name of its parent's kind (an endpoint under a branch). Whether the parent exists is plan's to find out. */
function checkParent(resource: DesiredResource): void {
  const parentKind = KINDS[resource.kind].parentKind;
  if (parentKind === undefined || resource.parent === undefined) return;
  if (kindOf(resource.parent) !== parentKind) throw new ValidationError(`${resource.source}.name`, `the parent of ${resource.name} must be ${aKind(parentKind)}`);
}

function aKind(kind: ResourceKind): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}
