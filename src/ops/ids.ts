import { ID_PATTERNS, VERBATIM_PARAMS } from "../generated/operations.js";
import { ValidationError } from "./errors.js";
import { isWellFormed } from "./well-formed.js";

/**
 * The id rules of docs/api-behaviour.md#id-rules, as small predicates: the core does not pull in zod.
 * Each rule has the sentence a user reads when an id breaks it.
 */
export interface IdRule {
  readonly test: (value: string) => boolean;
  readonly rule: string;
}

const noSlash = (value: string) => value.length > 0 && !value.includes("/");

/**
 * The sentence a user reads when an id breaks one of the spec's id patterns, by pattern, so that a
 * new resource kind with the usual pattern reads as well as the others; any other pattern reads
 * "must match <pattern>".
 */
const SENTENCES: Readonly<Record<string, string>> = {
  "^[a-z][a-z0-9-]{0,62}$": "must be 1-63 characters, start with a lowercase letter, and contain only lowercase letters, digits and hyphens",
  // The live API's own message names this pattern (docs/api-behaviour.md#id-rules).
  "^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$": "must match ^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$ (1-63 lowercase letters, digits, hyphens; no trailing hyphen)",
};

/** Every id parameter the spec gives a pattern (ID_PATTERNS, generated), as a rule. */
const PATTERNED: Readonly<Record<string, IdRule>> = /* @__PURE__ */ Object.fromEntries(
  Object.entries(ID_PATTERNS).map(([param, pattern]) => {
    const re = new RegExp(pattern);
    return [param, { test: (v: string) => re.test(v), rule: SENTENCES[pattern] ?? `must match ${pattern}` }];
  }),
);

/** The spec's patterns, plus the ids it leaves free-form (held only to what the URL needs) and the operation name. */
export const ID_RULES: Readonly<Record<string, IdRule>> = {
  ...PATTERNED,
  // Managed identities use emails and application ids as role ids, so no pattern is enforced
  // client-side (docs/api-behaviour.md#id-rules); only what would break the URL.
  role_id: { test: noSlash, rule: "must be non-empty and must not contain '/'" },
  catalog_id: { test: noSlash, rule: "must be a non-empty Unity Catalog name without '/'" },
  synced_table_id: {
    test: (v) => /^[^./]+\.[^./]+\.[^./]+$/.test(v),
    rule: "must be a three-part Unity Catalog name {catalog}.{schema}.{table}",
  },
  cdf_status_id: { test: noSlash, rule: "must be a non-empty Postgres table name without '/'" },
  // Operation ids are base64-like and may contain '/', '+', '=' (spec: OperationName, x-verbatim).
  // The name is spliced into the URL verbatim, so nothing a URL parser would reinterpret is
  // allowed: no '%' escapes, no '\\', '?', '#', whitespace or control characters, no '.' or '..'
  // segments. That the part before `operations/` is a known resource is checked by
  // checkOperationName in names.ts.
  operation_name: {
    test: (v) =>
      !/[%\\?#\s\u0000-\u001f\u007f]/.test(v) &&
      /(?:^|\/)operations\/[A-Za-z0-9+/=_-]+$/.test(v) &&
      !v.split("/").some((segment) => segment === "." || segment === ".."),
    rule: "must be an operation name <resource name>/operations/{id} (as returned in Operation.name)",
  },
};

/** Parameters spliced into the path as they are (`x-verbatim` in the spec): they carry their own rule. */
const VERBATIM: ReadonlySet<string> = new Set(VERBATIM_PARAMS);

/**
 * Every other id becomes one path segment (percent-encoded) now or later, inside the resource
 * name the server hands back. Percent-encoding alone does not make it safe: a server or proxy that
 * decodes once more would read `%2e%2e` as `..` and `%2f` as `/`. So the id is judged after
 * decoding every escape (repeatedly: `%252e` is `%2e` is `.`).
 */
const SEGMENT_RULE =
  "must not be '.' or '..' and must not contain '/', '\\', '?', '#', control characters or lone surrogates, percent-encoded or not";

function segmentIsSafe(value: string): boolean {
  if (!isWellFormed(value)) return false;
  const decoded = decodeEscapes(value);
  return decoded !== "." && decoded !== ".." && !/[/\\?#\u0000-\u001f\u007f]/.test(decoded);
}

/**
 * Decodes `%XX` escapes byte by byte until nothing changes (each round shortens the string, so it
 * ends); never throws on malformed input. Only ASCII matters to the check, so bytes suffice.
 */
function decodeEscapes(value: string): string {
  let current = value;
  for (;;) {
    const next = current.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    if (next === current) return current;
    current = next;
  }
}

/** The rule `value` breaks as the id `param`, or undefined. */
function idProblem(param: string, value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "is required and must be a non-empty string";
  if (!VERBATIM.has(param) && !segmentIsSafe(value)) return SEGMENT_RULE;
  const rule = Object.prototype.hasOwnProperty.call(ID_RULES, param) ? ID_RULES[param] : undefined;
  return rule && !rule.test(value) ? rule.rule : undefined;
}

/** Throws a ValidationError naming `field` unless `value` satisfies the id rule for `param`. */
export function checkId(param: string, value: unknown, field: string = param): string {
  const problem = idProblem(param, value);
  if (problem !== undefined) throw new ValidationError(field, problem, typeof value === "string" && value !== "" ? { value } : undefined);
  return value as string;
}

/** The rule an id breaks, or undefined when it is valid: for forms and CLIs that check as the user types. */
export function validateId(param: keyof typeof ID_RULES | string, value: string): string | undefined {
  return idProblem(param, value);
}

/** Whether a parameter is an id with a rule. */
export function isIdParam(param: string): boolean {
  return Object.prototype.hasOwnProperty.call(ID_RULES, param);
}
