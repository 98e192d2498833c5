import { operations, type OperationId } from "../generated/operations.js";
import { errors } from "./http-errors.js";
import type { Json } from "./state.js";

/**
 * update_mask as the live service enforces it (docs/api-behaviour.md#update-mask-rules, probed): unknown paths — including
 * oneof members and immutable fields — are "Unknown field path"; every masked path must be
 * present in the body; masking a message replaces it and needs its oneof groups populated;
 * `spec` is a lenient patch; `*` demands every field the resource currently has set. The
 * emulator reads the accepted paths and groups from the same operation table the SDK uses, so its
 * tests pin the live messages rather than the table (test/emulator/validation.test.ts). The
 * body's values were checked before (src/emulator/validate/): oneof members one at a time, `no_*`
 * flags true.
 */
/** Every operation of the spec that takes an update_mask (`x-update-mask`), read from the operation table. */
export type UpdateOperationId = { [K in OperationId]: (typeof operations)[K]["updateMask"] extends null ? never : K }[OperationId];

interface Rules {
  readonly paths: readonly string[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly maps: readonly string[];
  readonly immutable: readonly string[];
  readonly createOnly: readonly string[];
}

function rules(id: UpdateOperationId): Rules {
  return operations[id].updateMask as unknown as Rules;
}

function get(obj: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Json)[k] : undefined), obj);
}

const present = (value: unknown) => value !== undefined && value !== null;

/** One change to make on `status`: set `path` (relative to status) to `value`, or clear it. */
export interface Assignment {
  readonly path: string;
  readonly value?: unknown;
  readonly clear?: boolean;
}

/**
 * Checks the mask against the body and returns the assignments to apply to the status.
 * `current` is what the resource shows now (its status; the resource itself where it has no
 * spec/status split): `*` asks for every field set there.
 */
export function resolveUpdate(id: UpdateOperationId, mask: string | null, body: Json | undefined, current: Json): Assignment[] {
  if (!mask) throw errors.required("update_mask");
  if (!body || typeof body !== "object") throw errors.invalid("The request body must be the resource to update");
  const r = rules(id);
  const given = mask.split(",").map((p) => p.trim()).filter(Boolean);
  if (given.includes("*")) return everyField(r, body, current);
  // Recorded live (Terraform's `initial_branch_spec,initial_endpoint_spec,spec`): create-only
  // fields in the mask are accepted and ignored while the body leaves them out
  // (docs/api-behaviour.md#update-mask-rules, rule 10); sent with a value, they are unknown paths.
  const paths = given.filter((p) => !(r.createOnly.includes(p) && !present(get(body, p))));
  for (const path of paths) if (!r.paths.includes(path)) throw errors.unknownMaskPath(path);
  const out: Assignment[] = [];
  for (const path of paths) {
    if (path === "spec") {
      if (!present(body.spec)) throw errors.maskedButAbsent("spec");
      out.push(...leavesOf(r, body.spec, "spec"));
    } else if (r.groups[path]) {
      out.push(...groupAssignment(r, path, body));
    } else {
      const value = get(body, path);
      if (!present(value)) throw errors.maskedButAbsent(path);
      if (value && typeof value === "object" && !Array.isArray(value) && !r.maps.includes(path)) {
        // a message masked whole: its oneof groups must be populated, and it is replaced, not
        // patched: what the body leaves out is cleared (docs/api-behaviour.md#update-mask-rules, rule 4)
        for (const group of Object.keys(r.groups).filter((g) => g.startsWith(`${path}.`))) {
          if (!r.groups[group]!.some((m) => present(get(body, m)))) throw errors.maskedButAbsent(group);
        }
        out.push({ path: toStatus(path), clear: true }, ...leavesOf(r, value, path));
      } else {
        out.push({ path: toStatus(path), value });
      }
    }
  }
  return out;
}

/**
 * A value the resource has set, in the proto3 sense: not absent, false, 0, "", an empty list or
 * map, or an enum's `…_UNSPECIFIED` zero value.
 */
function isSet(value: unknown): boolean {
  if (!present(value) || value === false || value === 0 || value === "") return false;
  if (typeof value === "string") return !value.endsWith("_UNSPECIFIED");
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value as Json).length > 0;
  return true;
}

/**
 * `*`: every leaf of the mask table the resource has set must be in the body (docs/api-behaviour.md#update-mask-rules,
 * rule 6), in table order; leaves it has not set are applied when sent. A suspension oneof is
 * always set (the resource has either a timeout or `no_suspension`, which its status does not
 * show); another oneof is set when its status shows a member.
 */
function everyField(r: Rules, body: Json, current: Json): Assignment[] {
  const leaves = r.paths.filter((p) => p !== "spec" && !r.paths.some((q) => q.startsWith(`${p}.`)));
  const out: Assignment[] = [];
  for (const path of leaves) {
    const members = r.groups[path];
    if (members) {
      const sent = members.some((m) => present(get(body, m)));
      const set = members.some((m) => isSet(get(current, toStatus(m)))) || members.some((m) => m.endsWith(".no_suspension"));
      if (set || sent) out.push(...groupAssignment(r, path, body));
    } else if (present(get(body, path))) {
      // "wildcard * auto-excludes empty tags" (ProjectSpec.custom_tags): an empty list keeps the tags
      if (path === "spec.custom_tags" && !isSet(get(body, path))) continue;
      out.push({ path: toStatus(path), value: get(body, path) });
    } else if (isSet(get(current, toStatus(path)))) {
      throw errors.maskedButAbsent(path);
    }
  }
  return out;
}

/** The one member of a oneof group the body sets; the status then shows that member only. */
function groupAssignment(r: Rules, group: string, body: Json): Assignment[] {
  const members = r.groups[group]!;
  const member = members.find((m) => present(get(body, m)));
  if (!member) throw errors.maskedButAbsent(group);
  return [...members.filter((m) => m !== member).map((m) => ({ path: toStatus(m), clear: true })), { path: toStatus(member), value: get(body, member) }];
}

/**
 * Every leaf set in a body subtree (maps and arrays whole), grouped members through their group.
 * An immutable field (`spec.pg_version`, `spec.endpoint_type`, …) is passed over: the body may
 * carry it, a change to it is ignored (docs/api-behaviour.md#update-mask-rules, rules 9 and 12).
 */
function leavesOf(r: Rules, value: unknown, prefix: string): Assignment[] {
  const out: Assignment[] = [];
  const seenGroups = new Set<string>();
  const walk = (node: Json, path: string) => {
    for (const [key, child] of Object.entries(node)) {
      const full = `${path}.${key}`;
      if (!present(child) || r.immutable.includes(full)) continue;
      const group = Object.keys(r.groups).find((g) => r.groups[g]!.includes(full));
      if (group) {
        if (!seenGroups.has(group)) {
          seenGroups.add(group);
          out.push(...groupAssignment(r, group, wrap(prefix, value)));
        }
      } else if (child && typeof child === "object" && !Array.isArray(child) && !r.maps.includes(full)) {
        walk(child as Json, full);
      } else {
        out.push({ path: toStatus(full), value: child });
      }
    }
  };
  if (value && typeof value === "object") walk(value as Json, prefix);
  return out;
}

/** Rebuilds a body around a subtree so group lookups by full path work. */
function wrap(prefix: string, value: unknown): Json {
  return prefix.split(".").reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Json;
}

/** `spec.x.y` → `x.y` on the status (status mirrors spec field names). */
function toStatus(path: string): string {
  return path.startsWith("spec.") ? path.slice(5) : path;
}

/** The status the assignments would leave, without touching `status`: for the checks an update runs before it answers. */
export function preview(status: Json, assignments: readonly Assignment[]): Json {
  const copy = structuredClone(status);
  applyAssignments(copy, assignments);
  return copy;
}

/** Writes assignments onto a status object. */
export function applyAssignments(status: Json, assignments: readonly Assignment[]): void {
  for (const { path, value, clear } of assignments) {
    const keys = path.split(".");
    let node = status;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {});
    const last = keys[keys.length - 1]!;
    if (clear) delete node[last];
    else node[last] = structuredClone(value);
  }
}
