import fc from "fast-check";
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { UPDATE_OPERATIONS } from "../../../src/generated/operations.js";
import { ValidationError } from "../../../src/ops/errors.js";
import { fieldMask, maskRulesFor, type MaskResource } from "../../../src/ops/masks/index.js";
import { MASK_RESOURCES } from "../../../src/ops/masks/rules.js";

const RUNS = { numRuns: 200 };
/** Every updatable resource of the spec: a new one is tested without an edit here. */
const RESOURCES: readonly MaskResource[] = MASK_RESOURCES;

// --- value arbitraries, per body leaf ---------------------------------------------------------

const str = fc.string({ maxLength: 8 });
const bool = fc.boolean();
const duration = fc.integer({ min: 60, max: 604_800 }).map((n) => `${n}s`);
const timestamp = fc
  .integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => new Date(ms).toISOString());
const cu = fc.constantFrom(0.5, 1, 2, 4, 8, 16);
const pgSettings = fc.dictionary(fc.constantFrom("work_mem", "statement_timeout", "max_connections", "search_path"), fc.string({ maxLength: 5 }), {
  maxKeys: 3,
});
const names = fc.array(fc.constantFrom("public", "api", "app", "reporting"), { maxLength: 3 });

/**
 * Every body leaf an update may set, with values of the right type (oneof members included):
 * hand-tuned here for the resources that have them, else derived from the spec (see specLeaves).
 */
const HAND_LEAVES: Partial<Record<MaskResource, Record<string, fc.Arbitrary<unknown>>>> = {
  project: {
    "spec.budget_policy_id": str,
    "spec.custom_tags": fc.array(fc.record({ key: str, value: str }), { maxLength: 3 }),
    "spec.default_branch": str.map((s) => `projects/p/branches/${s}`),
    "spec.default_endpoint_settings.autoscaling_limit_max_cu": cu,
    "spec.default_endpoint_settings.autoscaling_limit_min_cu": cu,
    "spec.default_endpoint_settings.pg_settings": pgSettings,
    "spec.default_endpoint_settings.suspend_timeout_duration": duration,
    "spec.default_endpoint_settings.no_suspension": fc.constant(true),
    "spec.display_name": str,
    "spec.enable_pg_native_login": bool,
    "spec.history_retention_duration": fc.integer({ min: 172_800, max: 3_024_000 }).map((n) => `${n}s`),
  },
  branch: {
    "spec.is_protected": bool,
    "spec.ttl": duration,
    "spec.expire_time": timestamp,
    "spec.no_expiry": fc.constant(true),
  },
  endpoint: {
    "spec.autoscaling_limit_max_cu": cu,
    "spec.autoscaling_limit_min_cu": cu,
    "spec.disabled": bool,
    "spec.group.enable_readable_secondaries": bool,
    "spec.group.max": fc.integer({ min: 1, max: 4 }),
    "spec.group.min": fc.integer({ min: 1, max: 4 }),
    "spec.settings.pg_settings": pgSettings,
    "spec.suspend_timeout_duration": duration,
    "spec.no_suspension": fc.constant(true),
  },
  database: {
    "spec.postgres_database": str,
    "spec.role": str.map((s) => `projects/p/branches/b/roles/${s}`),
  },
  role: {
    "spec.attributes.bypassrls": bool,
    "spec.attributes.createdb": bool,
    "spec.attributes.createrole": bool,
    "spec.membership_roles": fc.array(fc.constantFrom("DATABRICKS_SUPERUSER"), { maxLength: 1 }),
    "spec.auth_method": fc.constantFrom("LAKEBASE_OAUTH_V1", "PG_PASSWORD_SCRAM_SHA_256", "NO_LOGIN"),
    "spec.identity_type": fc.constantFrom("USER", "SERVICE_PRINCIPAL", "GROUP"),
  },
  dataApi: {
    "spec.db_aggregates_enabled": bool,
    "spec.db_extra_search_path": names,
    "spec.db_max_rows": fc.integer({ min: 1, max: 10_000 }),
    "spec.db_schemas": names,
    "spec.jwt_cache_max_lifetime": fc.integer({ min: 0, max: 3600 }).map((n) => `${n}s`),
    "spec.jwt_role_claim_key": str,
    "spec.openapi_mode": fc.constantFrom("OPENAPI_MODE_FOLLOW_PRIVILEGES", "OPENAPI_MODE_IGNORE_PRIVILEGES", "OPENAPI_MODE_DISABLED"),
    "spec.server_cors_allowed_origins": fc.array(fc.constantFrom("*", "https://a.example.com"), { maxLength: 2 }),
    "spec.server_timing_enabled": bool,
  },
};

// --- leaves derived from the spec, for a resource without hand-tuned values --------------------

type JsonSchema = Record<string, any>;
const SPEC = parseYaml(readFileSync(new URL("../../../spec/postgres.openapi.yaml", import.meta.url), "utf8")) as JsonSchema;

function resolveSchema(schema: JsonSchema | undefined): JsonSchema | undefined {
  let node = schema;
  while (node?.$ref) node = (node.$ref as string).replace(/^#\//, "").split("/").reduce((o: JsonSchema, k: string) => o?.[k], SPEC);
  return node;
}

/** Values of a schema's type (enums, Durations, Timestamps, bounds, arrays, objects), never null. */
function valuesOf(raw: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolveSchema(raw) ?? {};
  if (schema["x-ts-type"] === "duration") return duration;
  if (schema.format === "date-time") return timestamp;
  const known = [schema, ...(schema.anyOf ?? [])].flatMap((s: JsonSchema) => s.enum ?? []);
  if (known.length > 0) return fc.constantFrom(...known);
  switch (schema.type) {
    case "boolean":
      return bool;
    case "integer":
    case "number":
      return fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000 });
    case "array":
      return fc.array(valuesOf(schema.items, depth + 1), { maxLength: 2 });
    case "object": {
      if (depth > 4) return fc.constant({});
      const props = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).filter(([, p]) => !p.readOnly);
      return fc.record(Object.fromEntries(props.map(([k, p]) => [k, valuesOf(p, depth + 1)])), { requiredKeys: (schema.required ?? []) as string[] });
    }
    default:
      return str;
  }
}

/** The schema of a dotted path in a request body schema. */
function schemaAt(body: string, path: string): JsonSchema | undefined {
  return path.split(".").reduce<JsonSchema | undefined>((node, key) => resolveSchema(resolveSchema(node)?.properties?.[key]), { $ref: `#/components/schemas/${body}` });
}

function specLeaves(resource: MaskResource): Record<string, fc.Arbitrary<unknown>> {
  const body = UPDATE_OPERATIONS[resource].body.schema;
  return Object.fromEntries(allowedLeaves(resource).map((leaf) => [leaf, valuesOf(schemaAt(body, leaf))]));
}

const LEAVES = Object.fromEntries(MASK_RESOURCES.map((r) => [r, HAND_LEAVES[r] ?? specLeaves(r)])) as Record<MaskResource, Record<string, fc.Arbitrary<unknown>>>;

/** The body leaves the allow-list implies: accepted paths with no accepted descendant, groups expanded. */
function allowedLeaves(resource: MaskResource): string[] {
  const rules = maskRulesFor(resource);
  const out: string[] = [];
  for (const p of rules.paths) {
    if (p === "spec" || rules.paths.some((q) => q.startsWith(`${p}.`))) continue;
    out.push(...(rules.groups.get(p) ?? [p]));
  }
  return out.sort();
}

// --- bodies -----------------------------------------------------------------------------------

type Leaves = ReadonlyArray<readonly [string, unknown]>;

/** Random leaves of one resource: any subset of the plain leaves, at most one member per oneof group. */
function leavesArb(resource: MaskResource): fc.Arbitrary<Leaves> {
  const rules = maskRulesFor(resource);
  const table = LEAVES[resource];
  const plain = Object.keys(table).filter((p) => !rules.groupOf.has(p));
  const groups = [...rules.groups.entries()].filter(([g]) => rules.allowed.has(g));
  const plainArb = fc.record(Object.fromEntries(plain.map((p) => [p, table[p]!])), { requiredKeys: [] });
  const groupArbs = groups.map(([, members]) =>
    fc.option(fc.oneof(...members.map((m) => table[m]!.map((v) => [m, v] as const))), { nil: undefined }),
  );
  return fc.tuple(plainArb, fc.tuple(...groupArbs)).map(([values, chosen]) => {
    const out: Array<readonly [string, unknown]> = Object.entries(values);
    for (const c of chosen) if (c !== undefined) out.push(c);
    return out;
  });
}

function setAt(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = root;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next === "object" && next !== null) node = next as Record<string, unknown>;
    else node = node[key] = {};
  }
  node[keys[keys.length - 1]!] = structuredClone(value);
}

function getAt(root: unknown, path: string): unknown {
  if (path === "") return root;
  let node = root;
  for (const key of path.split(".")) {
    if (typeof node !== "object" || node === null || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function deleteAt(root: unknown, path: string): void {
  const keys = path.split(".");
  const parent = getAt(root, keys.slice(0, -1).join("."));
  if (typeof parent === "object" && parent !== null) delete (parent as Record<string, unknown>)[keys[keys.length - 1]!];
}

function body(leaves: Leaves): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of leaves) setAt(out, path, value);
  return out;
}

/** Where a body path shows on a GET result: `spec.x` as `status.x`; a top-level field (`schedule`) as itself. */
const rel = (path: string) => (path.startsWith("spec.") ? path.slice("spec.".length) : path);

/** The mask a set of leaves should give: each leaf's group, or the leaf itself. */
function expectedMask(resource: MaskResource, leaves: Leaves): string[] {
  const rules = maskRulesFor(resource);
  return [...new Set(leaves.map(([p]) => rules.groupOf.get(p) ?? p))].sort();
}

// --- properties -------------------------------------------------------------------------------

describe("the generators follow the generated allow-lists", () => {
  it.each(RESOURCES)("%s: one arbitrary per accepted leaf", (resource) => {
    expect(Object.keys(LEAVES[resource]).sort()).toEqual(allowedLeaves(resource));
  });
});

describe.each(RESOURCES)("%s", (resource) => {
  const rules = maskRulesFor(resource);
  const nonEmpty = leavesArb(resource).filter((l) => l.length > 0);

  it("fromPatch: the mask is accepted, sorted, unique, the expected one, and validates against its body", () => {
    fc.assert(
      fc.property(nonEmpty, fc.boolean(), (leaves, withType) => {
        const patch = body(leaves);
        if (resource === "endpoint" && withType) setAt(patch, "spec.endpoint_type", "ENDPOINT_TYPE_READ_ONLY");
        const mask = fieldMask.fromPatch(resource, patch);
        // (a) within the allow-list
        for (const p of mask) expect(rules.allowed.has(p)).toBe(true);
        expect(mask).toEqual([...new Set(mask)].sort());
        expect(mask).toEqual(expectedMask(resource, leaves));
        // (b) every masked path is present in the body
        expect(fieldMask.validate(resource, mask, patch)).toEqual(mask);
        expect(fieldMask.validate(resource, mask.join(","), patch)).toEqual(mask);
      }),
      RUNS,
    );
  });

  it("fromPatch: a null or undefined at any leaf is refused, naming the path", () => {
    fc.assert(
      fc.property(nonEmpty, fc.nat(), fc.constantFrom(null, undefined), (leaves, pick, nullish) => {
        const [path] = leaves[pick % leaves.length]!;
        const patch = body(leaves);
        setAt(patch, path, nullish);
        let error: unknown;
        try {
          fieldMask.fromPatch(resource, patch);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).rule).toContain(`${path} is ${String(nullish)}: the API cannot unset a field`);
      }),
      RUNS,
    );
  });

  it("diff: applying the masked paths of desired onto current yields desired; only changed paths are masked", () => {
    const arb = fc.tuple(leavesArb(resource), leavesArb(resource), fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }));
    fc.assert(
      fc.property(arb, ([currentLeaves, freshLeaves, copyFlags]) => {
        // desired: fresh values, or (by flag) the current value of the same field / group member
        const key = (p: string) => rules.groupOf.get(p) ?? p;
        const currentByKey = new Map(currentLeaves.map((e) => [key(e[0]), e] as const));
        const desiredLeaves = freshLeaves.map((entry, i) => {
          const same = currentByKey.get(key(entry[0]));
          return copyFlags[i % copyFlags.length] && same ? same : entry;
        });

        const status = body(currentLeaves.map(([p, v]) => [rel(p), v] as const));
        const desired = body(desiredLeaves);
        if (resource === "endpoint") {
          status.endpoint_type = "ENDPOINT_TYPE_READ_WRITE";
          setAt(desired, "spec.endpoint_type", "ENDPOINT_TYPE_READ_WRITE");
        }
        // Fields outside `spec` (a schedule's `schedule`) show on the GET result as they are.
        const current = { name: "x", status, ...body(currentLeaves.filter(([p]) => !p.startsWith("spec."))) };

        const mask = fieldMask.diff(resource, current, desired);
        for (const p of mask) expect(rules.allowed.has(p)).toBe(true);
        expect(mask).toEqual([...new Set(mask)].sort());

        // apply desired's values at the masked paths onto a copy of current's status view
        const applied = structuredClone(status);
        for (const m of mask) {
          const members = rules.groups.get(m);
          if (members) {
            for (const member of members) deleteAt(applied, rel(member));
            const sent = members.find((member) => getAt(desired, member) !== undefined)!;
            setAt(applied, rel(sent), getAt(desired, sent));
          } else {
            setAt(applied, rel(m), getAt(desired, m));
          }
        }

        // A status shows a `no_*: true` flag as the absence of the group's other members
        // (docs/api-behaviour.md#convergence-of-oneof-members): read it so on the status views.
        const seen = (view: Record<string, unknown>, path: string): unknown => {
          const group = rules.groupOf.get(path);
          if (!rules.trueOnly.has(path) || group === undefined) return getAt(view, rel(path));
          const others = rules.groups.get(group)!.filter((m) => m !== path && getAt(view, rel(m)) !== undefined);
          return others.length === 0 ? true : getAt(view, rel(path));
        };
        // desired on every field it sets (so every field where they differ was masked) …
        for (const [path, value] of desiredLeaves) {
          expect(seen(applied, path)).toEqual(value);
          for (const other of rules.groups.get(rules.groupOf.get(path) ?? "") ?? []) {
            if (other !== path) expect(getAt(applied, rel(other))).toBeUndefined();
          }
        }
        // … and every masked path covers a field that did differ
        for (const m of mask) {
          const members = rules.groups.get(m) ?? [m];
          const differs = desiredLeaves.some(
            ([path]) => members.includes(path) && members.some((x) => !isDeepStrictEqual(seen(status, x), getAt(desired, x))),
          );
          expect(differs).toBe(true);
        }
        // the diff mask is a valid mask for the desired body
        if (mask.length > 0) expect(fieldMask.validate(resource, mask, desired)).toEqual(mask);
      }),
      RUNS,
    );
  });
});
