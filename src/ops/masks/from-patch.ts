/*
 * fromPatch: the update_mask for a request body, by the rules of the live API (docs/api-behaviour.md#update-mask-rules):
 * oneof members are masked by their group, maps and arrays whole, the most specific accepted path
 * otherwise; create-only, immutable, null and `no_*: false` values are refused before any request.
 */
import { ValidationError } from "../errors.js";
import type { MaskPath, MaskResource } from "./field-path.js";
import { isAtOrUnder, lastSegment, maskRulesFor, normalisePaths, parentPath, rootOf, type MaskRules } from "./rules.js";

/** Every mask error names the query parameter it is about. */
export const MASK_FIELD = "update_mask";

export function maskError(rule: string): ValidationError {
  return new ValidationError(MASK_FIELD, rule);
}

// --- messages ---------------------------------------------------------------------------------

/** "a branch", "an endpoint". */
function aNoun(rules: MaskRules): string {
  return `${/^[aeiou]/i.test(rules.noun) ? "an" : "a"} ${rules.noun}`;
}

function allowedList(rules: MaskRules): string {
  return rules.paths.join(", ");
}

export const messages = {
  createOnly(rules: MaskRules, root: string): string {
    return `${root} applies only at creation (create-only): it cannot be updated; leave it out of the ${rules.noun} update`;
  },
  immutable(rules: MaskRules, path: string, detail?: string): string {
    return `${path} is immutable: create a new ${rules.noun} instead${detail ? ` (${detail})` : ""}`;
  },
  unknownLeaf(rules: MaskRules, path: string): string {
    return `${path} is not an updatable field of ${aNoun(rules)} (no accepted update_mask path covers it); accepted paths: ${allowedList(rules)}`;
  },
  unknownMaskPath(rules: MaskRules, path: string): string {
    return `unknown update_mask path '${path}' for ${aNoun(rules)} (the API answers "Unknown field path in update_mask"); accepted paths: ${allowedList(rules)}`;
  },
  groupAsField(rules: MaskRules, group: string): string {
    const members = (rules.groups.get(group) ?? []).map(lastSegment).join(" or ");
    return `${group} is a oneof group, not a field: put one member (${members}) directly under ${parentPath(group)} in the body`;
  },
  memberInsteadOfGroup(group: string, member: string): string {
    return `mask ${group} instead of ${member} (oneof members are masked by their group)`;
  },
  mapKey(map: string, path: string): string {
    return `mask ${map} instead of ${path} (maps are masked as a whole, never per key)`;
  },
  exclusive(rules: MaskRules, group: string, a: string, b: string): string {
    const members = (rules.groups.get(group) ?? []).join(", ");
    return `${a} and ${b} are mutually exclusive (oneof ${group}): send only one of ${members}`;
  },
  trueOnly(rules: MaskRules, member: string, value: unknown): string {
    const group = rules.groupOf.get(member) ?? parentPath(member);
    const leaf = lastSegment(member);
    const others = (rules.groups.get(group) ?? []).filter((m) => m !== member).map(lastSegment);
    let advice: string;
    if (leaf === "no_suspension") {
      advice = `send no_suspension: true under ${group} to disable scale-to-zero, or suspend_timeout_duration (e.g. "300s") to re-enable it`;
    } else if (leaf === "no_expiry") {
      advice = `send ttl or expire_time to set an expiration (e.g. ttl: "86400s"), or no_expiry: true under ${group} to never expire`;
    } else {
      advice = `send ${leaf}: true under ${group}, or ${others.join(" or ")} instead`;
    }
    return `${member}: ${safeJson(value)} is not accepted by the API: ${advice}`;
  },
  nullish(rules: MaskRules, path: string, value: null | undefined): string {
    const what = value === null ? "null" : "undefined";
    const group = rules.groupOf.get(path);
    const clear = group ? clearHint(rules, group) : undefined;
    const tail = value === null ? "" : " (JSON drops undefined, so the field would be masked but missing)";
    return `${path} is ${what}: the API cannot unset a field; send a value, or leave the key out to keep the current value${clear ? `; ${clear}` : ""}${tail}`;
  },
  notAnObject(path: string): string {
    return `${path} must be an object`;
  },
  nothing(rules: MaskRules): string {
    return `nothing to update: the patch sets no updatable field of the ${rules.noun}; accepted paths: ${allowedList(rules)}`;
  },
  absent(path: string, hint?: string): string {
    return `Field '${path}' is in update_mask but not provided in request${hint ? `: ${hint}` : ""}`;
  },
  star(rules: MaskRules): string {
    return `'*' demands every field of the ${rules.noun} spec in the body (the API answers "Field '…' is in update_mask but not provided in request" for any one left out); list the paths to update instead (fieldMask.fromPatch computes them from the body)`;
  },
  empty(rules: MaskRules): string {
    return `the mask is empty: list at least one path; accepted paths: ${allowedList(rules)}`;
  },
};

/** How to clear a oneof group, when one member is the "disable" flag. */
function clearHint(rules: MaskRules, group: string): string | undefined {
  const flag = (rules.groups.get(group) ?? []).find((m) => rules.trueOnly.has(m));
  return flag ? `to clear ${group}, send ${lastSegment(flag)}: true under it` : undefined;
}

function safeJson(value: unknown): string {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(value);
  }
}

// --- values -----------------------------------------------------------------------------------

/** A plain data object (not an array, Date, Map…): walked field by field. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

// --- the walk ---------------------------------------------------------------------------------

/** One field of a body, and the mask path that covers it. */
export type PatchEntry =
  | { readonly kind: "field"; readonly path: string; readonly mask: string; readonly value: unknown }
  | { readonly kind: "member"; readonly path: string; readonly mask: string; readonly value: unknown }
  | { readonly kind: "immutable"; readonly path: string; readonly value: unknown; readonly carried: boolean };

/**
 * Walks a request body and lists its fields with the mask path of each. Throws ValidationError for
 * what no mask can carry: create-only fields, null/undefined values, `no_*` flags other than true,
 * two members of one oneof, fields no accepted path covers. Immutable fields are listed (not refused):
 * the caller decides.
 */
export function walkPatch(rules: MaskRules, patch: object): PatchEntry[] {
  if (!isPlainObject(patch)) throw maskError("the patch must be a plain object (a request body such as { spec: { … } })");
  const entries: PatchEntry[] = [];
  const seenMember = new Map<string, string>();

  /** Is some accepted, immutable or member path strictly under `path`? */
  const hasKnownBelow = (path: string): boolean => {
    const prefix = `${path}.`;
    for (const p of rules.allowed) if (p.startsWith(prefix)) return true;
    for (const p of rules.groupOf.keys()) if (p.startsWith(prefix)) return true;
    for (const p of rules.immutable) if (p.startsWith(prefix)) return true;
    return false;
  };

  /** The accepted mask path for a field that is not a group member: exact, or the nearest accepted ancestor. */
  const resolve = (path: string): string => {
    for (let p = path; p !== "" && p !== "spec"; p = parentPath(p)) {
      if (rules.groups.has(p)) throw maskError(messages.groupAsField(rules, p));
      if (rules.allowed.has(p)) return p;
    }
    throw maskError(messages.unknownLeaf(rules, path));
  };

  const visit = (path: string, value: unknown): void => {
    const createOnly = rootOf(path, rules.createOnly);
    if (createOnly !== undefined) throw maskError(messages.createOnly(rules, createOnly));
    const immutable = rootOf(path, rules.immutable);
    if (immutable !== undefined) {
      // The walk stops here, so `path` is the immutable field itself.
      entries.push({ kind: "immutable", path, value, carried: rules.carriedUnmasked.has(path) });
      return;
    }
    if (value === null || value === undefined) throw maskError(messages.nullish(rules, path, value));
    if (rules.groups.has(path)) throw maskError(messages.groupAsField(rules, path));

    const group = rules.groupOf.get(path);
    if (group !== undefined) {
      if (rules.trueOnly.has(path) && value !== true) throw maskError(messages.trueOnly(rules, path, value));
      const other = seenMember.get(group);
      if (other !== undefined) throw maskError(messages.exclusive(rules, group, other, path));
      seenMember.set(group, path);
      entries.push({ kind: "member", path, mask: group, value });
      return;
    }

    if (rules.maps.has(path)) {
      if (!isPlainObject(value)) throw maskError(messages.notAnObject(path));
      for (const [key, v] of Object.entries(value)) {
        if (v === null || v === undefined) throw maskError(messages.nullish(rules, `${path}.${key}`, v));
      }
      entries.push({ kind: "field", path, mask: resolve(path), value });
      return;
    }

    if (isPlainObject(value) && (path === "" || path === "spec" || hasKnownBelow(path))) {
      for (const [key, child] of Object.entries(value)) {
        if (path === "" && key === "name") continue; // the resource's identifier, not a field
        visit(path === "" ? key : `${path}.${key}`, child);
      }
      return;
    }
    if (isPlainObject(value) && Object.keys(value).length === 0) return; // sets nothing
    entries.push({ kind: "field", path, mask: resolve(path), value });
  };

  const spec = (patch as { spec?: unknown }).spec;
  if (spec !== undefined && spec !== null && !isPlainObject(spec)) throw maskError(messages.notAnObject("spec"));
  visit("", patch);
  return entries;
}

/** The masked paths of walked entries (immutable ones are the caller's business). */
export function maskOf(entries: readonly PatchEntry[]): string[] {
  const out: string[] = [];
  for (const e of entries) if (e.kind !== "immutable") out.push(e.mask);
  return normalisePaths(out);
}

/**
 * The mask for a patch (a request body such as `{ spec: { suspend_timeout_duration: "600s" } }`):
 * sorted unique accepted paths. Throws ValidationError before any request.
 */
export function fromPatch<R extends MaskResource>(resource: R, patch: object): MaskPath<R>[] {
  const rules = maskRulesFor(resource);
  const entries = walkPatch(rules, patch);
  for (const e of entries) {
    if (e.kind === "immutable" && !e.carried) throw maskError(messages.immutable(rules, e.path));
  }
  const mask = maskOf(entries);
  if (mask.length === 0) throw maskError(messages.nothing(rules));
  return mask as MaskPath<R>[];
}

/** True when `path` lies under one of the resource's map fields (a per-key path). */
export function mapOf(rules: MaskRules, path: string): string | undefined {
  for (const m of rules.maps) if (path !== m && isAtOrUnder(path, m)) return m;
  return undefined;
}
