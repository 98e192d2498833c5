/*
 * Desired against current, for one resource: the update mask (fieldMask.diff, which reads oneof
 * members by their effect on `status`: docs/api-behaviour.md#convergence-of-oneof-members), the
 * same change field by field for people, and the immutable fields that differ (a recreate).
 */
import { ValidationError } from "../ops/errors.js";
import { diff, readCurrent, sameValue } from "../ops/masks/diff.js";
import { maskRulesFor } from "../ops/masks/rules.js";
import { lookup } from "../ops/masks/validate.js";
import type { FieldChange, Json, ProjectPermission, ResourceKind } from "./types.js";
import { KINDS } from "./kinds.js";
import { PRINCIPALS } from "./permissions.js";

/** Immutable fields the desired state sets to another value than the server shows (a field the server does not show is not compared). */
export function immutableChanges(kind: ResourceKind, current: Json, body: Json): FieldChange[] {
  const rules = maskRulesFor(KINDS[kind].mask);
  const out: FieldChange[] = [];
  for (const path of rules.immutable) {
    const want = lookup(body, path);
    if (!want.present) continue;
    const now = readCurrent(current, path);
    if (now !== undefined && !sameValue(want.value, now)) out.push({ path, current: now, desired: want.value });
  }
  return out;
}

/** The update that makes `current` what `body` describes: its mask (leaf paths) and the fields behind it. */
export function updateFor(kind: ResourceKind, current: Json, body: Json): { mask: string[]; fields: FieldChange[] } {
  const rules = maskRulesFor(KINDS[kind].mask);
  const mask = diff(KINDS[kind].mask, current, body) as string[];
  const fields = mask.map((path): FieldChange => {
    const members = rules.groups.get(path);
    if (!members) return { path, current: readCurrent(current, path), desired: lookup(body, path).value };
    return { path, current: membersOf(members, (m) => readCurrent(current, m)), desired: membersOf(members, (m) => lookup(body, m).value) };
  });
  return { mask, fields };
}

/** A oneof group as `{ member: value }` of the members set (`{}` when none is). */
function membersOf(members: readonly string[], read: (member: string) => unknown): Json {
  const out: Json = {};
  for (const member of members) {
    const value = read(member);
    if (value !== undefined) out[member.slice(member.lastIndexOf(".") + 1)] = value;
  }
  return out;
}

/**
 * Checks a desired body against the resource's field rules (unknown fields, `no_*: false`, two
 * oneof members) before anything is sent; the error names the entry (`branches[0].spec`), since
 * no update_mask is involved yet.
 */
export function checkBody(kind: ResourceKind, body: Json, source: string): void {
  try {
    diff(KINDS[kind].mask, { status: {} }, body);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(`${source}.spec`, error.rule.replace(/^spec\.(\S+) is not an updatable field of an? \w+ \(no accepted update_mask path covers it\); accepted paths: .*$/, (_, field: string) => `${field} is not a field this SDK can manage on ${kind === "endpoint" ? "an" : "a"} ${kind} (misspelled, or output-only)`));
  }
}

/** Whether two permission lists grant the same levels to the same principals (order aside). */
export function samePermissions(a: readonly ProjectPermission[], b: readonly ProjectPermission[]): boolean {
  const key = (p: ProjectPermission) => PRINCIPALS.map((k) => p[k] ?? "").join("|") + `|${p.level}`;
  const ka = new Set(a.map(key));
  const kb = new Set(b.map(key));
  return ka.size === kb.size && [...ka].every((k) => kb.has(k));
}
