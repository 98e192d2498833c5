import { ValidationError } from "./errors.js";

/**
 * The id rules of reference section 10, as small predicates: the core does not pull in zod.
 * Each rule has the sentence a user reads when an id breaks it.
 */
export interface IdRule {
  readonly test: (value: string) => boolean;
  readonly rule: string;
}

const noSlash = (value: string) => value.length > 0 && !value.includes("/");

const RESOURCE_ID: IdRule = {
  test: (v) => /^[a-z][a-z0-9-]{0,62}$/.test(v),
  rule: "must be 1-63 characters, start with a lowercase letter, and contain only lowercase letters, digits and hyphens",
};

export const ID_RULES: Readonly<Record<string, IdRule>> = {
  project_id: RESOURCE_ID,
  branch_id: RESOURCE_ID,
  endpoint_id: RESOURCE_ID,
  // The live API answers `must match pattern ^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$` (reference 9.4).
  database_id: {
    test: (v) => /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(v),
    rule: "must match ^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$ (1-63 lowercase letters, digits, hyphens; no trailing hyphen)",
  },
  // Managed identities use emails and application ids as role ids, so no pattern is enforced
  // client-side (reference 11.3); only what would break the URL.
  role_id: { test: noSlash, rule: "must be non-empty and must not contain '/'" },
  catalog_id: { test: noSlash, rule: "must be a non-empty Unity Catalog name without '/'" },
  synced_table_id: {
    test: (v) => /^[^./]+\.[^./]+\.[^./]+$/.test(v),
    rule: "must be a three-part Unity Catalog name {catalog}.{schema}.{table}",
  },
  cdf_config_id: {
    test: (v) => /^[a-z][a-z0-9_]{0,62}$/.test(v),
    rule: "must match [a-z][a-z0-9_]{0,62}",
  },
  cdf_status_id: { test: noSlash, rule: "must be a non-empty Postgres table name without '/'" },
  // Operation ids are base64-like and may contain '/', '+', '=' (reference 2).
  // Spliced into the URL verbatim, so nothing that a URL parser would reinterpret is allowed:
  // no '%' escapes, no '\\', no '.' or '..' segments, no '?' or '#'.
  operation_name: {
    test: (v) =>
      /^(?:[A-Za-z0-9@._+-]+\/)*operations\/[A-Za-z0-9+/=_-]+$/.test(v) && !v.split("/").some((segment) => segment === "." || segment === ".."),
    rule: "must be an operation name ending in operations/{id} (as returned in Operation.name)",
  },
};

/** Throws a ValidationError naming `field` unless `value` satisfies the id rule for `param`. */
export function checkId(param: string, value: unknown, field: string = param): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new ValidationError(field, "is required and must be a non-empty string");
  }
  const rule = ID_RULES[param];
  if (rule && !rule.test(value)) throw new ValidationError(field, rule.rule, { value });
  return value;
}

/** The rule an id breaks, or undefined when it is valid: for forms and CLIs that check as the user types. */
export function validateId(param: keyof typeof ID_RULES | string, value: string): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "is required and must be a non-empty string";
  const rule = ID_RULES[param];
  return rule && !rule.test(value) ? rule.rule : undefined;
}
