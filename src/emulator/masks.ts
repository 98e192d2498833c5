import { operations, type OperationId } from "../generated/operations.js";
import { errors } from "./http-errors.js";
import type { Json } from "./state.js";

/**
 * update_mask as the live service enforces it (docs/api-behaviour.md#update-mask-rules, probed): unknown paths — including
 * oneof members and immutable fields — are "Unknown field path"; every masked path must be
 * present in the body; masking a message replaces it and needs its oneof groups populated;
 * `spec` is a lenient patch; `*` demands every field. The emulator reads the accepted paths and
 * groups from the same operation table the SDK uses.
 */
/** Every operation of the spec that takes an update_mask (`x-update-mask`), read from the operation table. */
export type UpdateOperationId = { [K in OperationId]: (typeof operations)[K]["updateMask"] extends null ? never : K }[OperationId];

interface Rules {
  readonly paths: readonly string[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly maps: readonly string[];
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

/** Checks the mask against the body and returns the assignments to apply to the status. */
export function resolveUpdate(id: UpdateOperationId, mask: string | null, body: Json | undefined): Assignment[] {
  if (!mask) throw errors.required("update_mask");
  if (!body || typeof body !== "object") throw errors.invalid("The request body must be the resource to update");
  const r = rules(id);
  const paths = mask.split(",").map((p) => p.trim()).filter(Boolean);
  if (paths.includes("*")) return everyField(r, body);
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
        // a message masked whole: its oneof groups must be populated (docs/api-behaviour.md#update-mask-rules, rule 4)
        for (const group of Object.keys(r.groups).filter((g) => g.startsWith(`${path}.`))) {
          if (!r.groups[group]!.some((m) => present(get(body, m)))) throw errors.maskedButAbsent(group);
        }
        out.push(...leavesOf(r, value, path));
      } else {
        out.push({ path: toStatus(path), value });
      }
    }
  }
  return out;
}

function everyField(r: Rules, body: Json): Assignment[] {
  const leaves = r.paths.filter((p) => p !== "spec" && !r.paths.some((q) => q.startsWith(`${p}.`)));
  const out: Assignment[] = [];
  for (const path of leaves) {
    if (r.groups[path]) out.push(...groupAssignment(r, path, body));
    else if (!present(get(body, path))) throw errors.maskedButAbsent(path);
    else out.push({ path: toStatus(path), value: get(body, path) });
  }
  return out;
}

function groupAssignment(r: Rules, group: string, body: Json): Assignment[] {
  const members = r.groups[group]!;
  const set = members.filter((m) => present(get(body, m)));
  if (set.length === 0) throw errors.maskedButAbsent(group);
  if (set.length > 1) throw errors.invalid(`Only one of ${members.map((m) => m.split(".").pop()).join(", ")} may be set`);
  const member = set[0]!;
  const value = get(body, member);
  if (/\.no_(suspension|expiry)$/.test(member) && value !== true) {
    throw errors.invalid(`Field '${member}' must be true when provided`);
  }
  return [...members.filter((m) => m !== member).map((m) => ({ path: toStatus(m), clear: true })), { path: toStatus(member), value }];
}

/** Every leaf set in a body subtree (maps and arrays whole), grouped members through their group. */
function leavesOf(r: Rules, value: unknown, prefix: string): Assignment[] {
  const out: Assignment[] = [];
  const seenGroups = new Set<string>();
  const walk = (node: Json, path: string) => {
    for (const [key, child] of Object.entries(node)) {
      if (!present(child)) continue;
      const full = `${path}.${key}`;
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
