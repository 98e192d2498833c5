/*
 * validate: checks an explicit update_mask against the resource's rules and against the body it
 * travels with (every masked path must be present, non-null, and a oneof group must carry exactly one
 * acceptable member), before any request.
 */
import { isPlainObject, mapOf, maskError, messages } from "./from-patch.js";
import type { MaskResource } from "./field-path.js";
import { lastSegment, maskRulesFor, parentPath, rootOf, type MaskRules } from "./rules.js";

/** Splits a mask given as "a,b" or as a list; trims; drops empty entries. */
export function parseMask(mask: readonly string[] | string): string[] {
  const parts = typeof mask === "string" ? mask.split(",") : [...mask];
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part !== "string") throw maskError(`mask paths must be strings (got ${typeof part})`);
    const p = part.trim();
    if (p !== "") out.push(p);
  }
  return out;
}

/** Refuses a mask path the API would refuse (or that means something else than intended). */
export function checkMaskPath(rules: MaskRules, path: string): void {
  if (path === "*") throw maskError(messages.star(rules));
  const createOnly = rootOf(path, rules.createOnly);
  if (createOnly !== undefined) throw maskError(messages.createOnly(rules, createOnly));
  const immutable = rootOf(path, rules.immutable);
  if (immutable !== undefined) throw maskError(messages.immutable(rules, immutable));
  const group = rules.groupOf.get(path);
  if (group !== undefined) throw maskError(messages.memberInsteadOfGroup(group, path));
  const map = mapOf(rules, path);
  if (map !== undefined) throw maskError(messages.mapKey(map, path));
  if (!rules.allowed.has(path)) throw maskError(messages.unknownMaskPath(rules, path));
}

/** Own-key lookup along a dotted path: `present` is false when some key on the way is missing. */
export function lookup(root: unknown, path: string): { present: boolean; value: unknown } {
  let node: unknown = root;
  for (const key of path.split(".")) {
    if (!isPlainObject(node) || !Object.prototype.hasOwnProperty.call(node, key)) return { present: false, value: undefined };
    node = node[key];
  }
  return { present: true, value: node };
}

/** Checks the members of `group` in the body: exactly one, non-null, `no_*` only true. */
function checkGroup(rules: MaskRules, group: string, body: object, via?: string): void {
  const members = rules.groups.get(group) ?? [];
  const sent = members.filter((m) => lookup(body, m).present);
  if (sent.length === 0) {
    const hint = via
      ? `masking ${via} replaces it whole, so one of ${members.join(", ")} must be sent too; or mask the leaves you change instead`
      : `send one of ${members.join(", ")}`;
    throw maskError(messages.absent(group, hint));
  }
  if (sent.length > 1) throw maskError(messages.exclusive(rules, group, sent[0]!, sent[1]!));
  const member = sent[0]!;
  const { value } = lookup(body, member);
  if (value === null || value === undefined) throw maskError(messages.nullish(rules, member, value));
  if (rules.trueOnly.has(member) && value !== true) throw maskError(messages.trueOnly(rules, member, value));
}

/** Below a masked path: no null/undefined anywhere, oneof members acceptable and exclusive. */
function checkSubtree(rules: MaskRules, path: string, value: unknown): void {
  if (!isPlainObject(value)) return;
  const seen = new Map<string, string>();
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}.${key}`;
    if (child === null || child === undefined) throw maskError(messages.nullish(rules, childPath, child));
    const group = rules.groupOf.get(childPath);
    if (group !== undefined) {
      if (rules.trueOnly.has(childPath) && child !== true) throw maskError(messages.trueOnly(rules, childPath, child));
      const other = seen.get(group);
      if (other !== undefined) throw maskError(messages.exclusive(rules, group, other, childPath));
      seen.set(group, childPath);
    }
    checkSubtree(rules, childPath, child);
  }
}

/** Checks one masked (already accepted) path against the body. */
function checkPresence(rules: MaskRules, path: string, body: object): void {
  if (rules.groups.has(path)) {
    checkGroup(rules, path, body);
    return;
  }
  const { present, value } = lookup(body, path);
  if (!present) throw maskError(messages.absent(path, `add ${lastSegment(path)} to the body, or remove it from the mask`));
  if (value === null || value === undefined) throw maskError(messages.nullish(rules, path, value));
  checkSubtree(rules, path, value);
  // Masking a parent message replaces it whole and requires the oneof groups directly beneath it
  // (probed: spec.default_endpoint_settings without a suspension member is refused; bare `spec` is not).
  if (path !== "spec") {
    for (const group of rules.groups.keys()) {
      if (parentPath(group) === path) checkGroup(rules, group, body, path);
    }
  }
}

/**
 * Checks an explicit mask ("a,b" or a list) against the rules and the body it travels with.
 * Throws ValidationError; returns the normalised path list (trimmed, empty entries and duplicates
 * removed, in the caller's order).
 */
export function validate<R extends MaskResource>(resource: R, mask: readonly string[] | string, body: object): string[] {
  const rules = maskRulesFor(resource);
  if (typeof mask !== "string" && !Array.isArray(mask)) throw maskError("the mask must be a string (\"a,b\") or a list of paths");
  if (!isPlainObject(body)) throw maskError("the body must be a plain object (a request body such as { spec: { … } })");
  const parsed = parseMask(mask);
  if (parsed.length === 0) throw maskError(messages.empty(rules));
  for (const path of parsed) checkExplicitPath(rules, path, body);
  const paths = [...new Set(parsed)]; // the caller's order is kept: the mask is sent as given
  for (const path of paths) {
    if (path === "*") checkSubtree(rules, "spec", (body as { spec?: unknown }).spec);
    else if (rootOf(path, rules.createOnly) === undefined) checkPresence(rules, path, body);
  }
  return paths;
}

/**
 * An explicit mask path is refused only where the live API is recorded to refuse it
 * (docs/api-behaviour.md#update-mask-rules): unknown paths (oneof members, map keys, immutable
 * fields) and a create-only path whose value is sent. Two recorded forms go through as they are:
 * `*` with the whole spec (the bundle engine; the server names any field left out) and
 * `initial_branch_spec,initial_endpoint_spec,spec` without the initial specs in the body (Terraform).
 */
function checkExplicitPath(rules: MaskRules, path: string, body: object): void {
  if (path === "*") return;
  const createOnly = rootOf(path, rules.createOnly);
  if (createOnly === undefined) return checkMaskPath(rules, path);
  if (path !== createOnly || lookup(body, createOnly).present) throw maskError(messages.createOnly(rules, createOnly));
}
