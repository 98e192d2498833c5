/*
 * diff: the mask that turns `current` (a GET result — effective values under `status`, and `spec`
 * when present) into `desired` (a request body with `spec`). Only the paths that change.
 */
import { isPlainObject, maskError, maskOf, messages, walkPatch, type PatchEntry } from "./from-patch.js";
import type { MaskPath, MaskResource } from "./field-path.js";
import { maskRulesFor, parentPath, type MaskRules } from "./rules.js";
import { lookup } from "./validate.js";

// --- equality ---------------------------------------------------------------------------------

const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?\d+$/;
const DURATION = /^(-?)(\d+)(?:\.(\d+))?s$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/** A number and a decimal string (int64 travels as either) are equal when they denote the same value. */
function numberEqualsString(n: number, s: string): boolean {
  const t = s.trim();
  if (!DECIMAL.test(t)) return false;
  if (Number.isInteger(n) && INTEGER.test(t)) return BigInt(n) === BigInt(t);
  return Number(t) === n;
}

/** "300s" = "300.000s"; "2026-01-01T00:00:00Z" = "2026-01-01T00:00:00.000Z"; otherwise exact. */
function stringsEqual(a: string, b: string): boolean {
  if (a === b) return true;
  const da = DURATION.exec(a);
  const db = DURATION.exec(b);
  if (da && db) return durationKey(da) === durationKey(db);
  const ta = TIMESTAMP.exec(a);
  const tb = TIMESTAMP.exec(b);
  if (ta && tb) {
    const ka = timestampKey(ta);
    const kb = timestampKey(tb);
    return ka !== undefined && ka === kb;
  }
  return false;
}

function durationKey(m: RegExpExecArray): string {
  const whole = (m[2] ?? "0").replace(/^0+(?=\d)/, "");
  const frac = (m[3] ?? "").replace(/0+$/, "");
  const zero = whole === "0" && frac === "";
  return `${zero ? "" : (m[1] ?? "")}${whole}${frac ? `.${frac}` : ""}`;
}

function timestampKey(m: RegExpExecArray): string | undefined {
  const ms = Date.parse(`${m[1]}T${m[2]}${(m[4] ?? "Z").toUpperCase()}`);
  if (Number.isNaN(ms)) return undefined;
  return `${ms}.${(m[3] ?? "").padEnd(9, "0")}`;
}

/** Deep equality of JSON values, loose where the wire format is: int64 number/string, durations, timestamps. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date) a = a.toISOString();
  if (b instanceof Date) b = b.toISOString();
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "string") return numberEqualsString(a, b);
  if (typeof a === "string" && typeof b === "number") return numberEqualsString(b, a);
  if (typeof a === "string" && typeof b === "string") return stringsEqual(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue(a[k], b[k]));
  }
  return false;
}

// --- reading the current state ----------------------------------------------------------------

/** `spec.X` of a GET result: `current.spec.X` when present, else the effective `current.status.X`. */
export function readCurrent(current: Record<string, unknown>, path: string): unknown {
  if (!path.startsWith("spec.")) return lookup(current, path).value;
  const rest = path.slice("spec.".length);
  const fromSpec = lookup(current.spec, rest).value;
  return fromSpec !== undefined ? fromSpec : lookup(current.status, rest).value;
}

function isSet(rules: MaskRules, member: string, value: unknown): boolean {
  return value !== undefined && value !== null && !(rules.trueOnly.has(member) && value === false);
}

/** Relative members, observed through another field: `ttl` shows as `expire_time`, counted from `create_time`. */
const OBSERVED_AS: Readonly<Record<string, string>> = { ttl: "expire_time" };

/**
 * How far `expire_time − create_time` may be from a desired `ttl` and still be that ttl (the server
 * stamps both; the reference says "the branch will expire at creation_time + ttl",
 * docs/api-behaviour.md#convergence-of-oneof-members).
 */
export const TTL_TOLERANCE_MS = 60_000;

function durationMs(value: unknown): number | undefined {
  const m = typeof value === "string" ? DURATION.exec(value.trim()) : null;
  return m ? (m[1] ? -1 : 1) * (Number(m[2]) * 1000 + Number(`0.${m[3] ?? "0"}`) * 1000) : undefined;
}

/** Whether a status showing `observed` (an absolute expire_time) is the desired relative `ttl`. */
function ttlMatches(current: Record<string, unknown>, ttl: unknown, observed: unknown): boolean {
  const want = durationMs(ttl);
  const created = typeof current.create_time === "string" ? Date.parse(current.create_time) : NaN;
  const expires = typeof observed === "string" ? Date.parse(observed) : NaN;
  return want !== undefined && !Number.isNaN(created) && !Number.isNaN(expires) && Math.abs(expires - created - want) <= TTL_TOLERANCE_MS;
}

/**
 * A oneof group changes unless the current state has the desired member at the desired value and
 * no other member set. From `spec` (when it sets a member) members read as they are. From `status`,
 * which shows only the effect (docs/api-behaviour.md#convergence-of-oneof-members): a `no_*: true`
 * flag is the absence of every other member (`no_suspension` ⇔ no suspend timeout, `no_expiry` ⇔ no
 * expire_time); `ttl` is `expire_time − create_time` within TTL_TOLERANCE_MS.
 */
function groupChanged(rules: MaskRules, current: Record<string, unknown>, entry: PatchEntry & { kind: "member" }): boolean {
  const members = rules.groups.get(entry.mask) ?? [];
  const rel = (m: string) => (m.startsWith("spec.") ? m.slice("spec.".length) : m);
  const specSets = members.some((m) => isSet(rules, m, lookup(current.spec, rel(m)).value));
  const source = specSets ? current.spec : current.status;
  const valueOf = (m: string) => (m.startsWith("spec.") ? lookup(source, rel(m)).value : lookup(current, m).value);
  const othersSet = (except: (m: string) => boolean) => members.some((m) => m !== entry.path && !except(m) && isSet(rules, m, valueOf(m)));
  if (specSets) return !sameValue(entry.value, valueOf(entry.path)) || othersSet(() => false);
  const leaf = entry.path.slice(entry.path.lastIndexOf(".") + 1);
  if (rules.trueOnly.has(entry.path)) return othersSet(() => false);
  const observedLeaf = OBSERVED_AS[leaf];
  if (observedLeaf !== undefined) {
    const observed = `${parentPath(entry.path)}.${observedLeaf}`.replace(/^\./, "");
    const direct = valueOf(entry.path);
    const matches = direct !== undefined ? sameValue(entry.value, direct) : ttlMatches(current, entry.value, valueOf(observed));
    return !matches || othersSet((m) => m === observed);
  }
  return !sameValue(entry.value, valueOf(entry.path)) || othersSet(() => false);
}

function describe(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * The mask that turns `current` (a GET result) into `desired` (a request body with `spec`): only the
 * changed paths, masked by the same rules as fromPatch (oneof groups, whole maps and arrays).
 * Immutable fields that differ throw (the resource must be recreated); equal ones are ignored, as
 * are immutable fields the current state does not report. Returns [] when nothing changes.
 */
export function diff<R extends MaskResource>(resource: R, current: object, desired: object): MaskPath<R>[] {
  const rules = maskRulesFor(resource);
  if (!isPlainObject(current)) throw maskError("the current state must be a plain object (a GET result)");
  const entries = walkPatch(rules, desired);
  const changed: PatchEntry[] = [];
  for (const entry of entries) {
    switch (entry.kind) {
      case "immutable": {
        const now = readCurrent(current, entry.path);
        if (now !== undefined && !sameValue(entry.value, now)) {
          throw maskError(messages.immutable(rules, entry.path, `current ${describe(now)}, desired ${describe(entry.value)}`));
        }
        break;
      }
      case "member":
        if (groupChanged(rules, current, entry)) changed.push(entry);
        break;
      case "field":
        if (!sameValue(entry.value, readCurrent(current, entry.path))) changed.push(entry);
        break;
    }
  }
  return maskOf(changed) as MaskPath<R>[];
}
