/*
 * A bundle's `resources` section (databricks.yml parsed from YAML) as a desired state: the
 * `postgres_*` kinds with their fields flat, as bundles write them, and `${resources.<kind>.<key>.id}`
 * references resolved to resource names. Other resource kinds of a bundle (jobs, apps, …) are
 * passed over. Bundle variables (`${var.x}`) are not resolved here: resolve them first.
 */
import { ValidationError } from "../ops/errors.js";
import { KINDS } from "./kinds.js";
import type { DesiredState, Json, ResourceKind } from "./types.js";

interface BundleKind {
  readonly kind: ResourceKind;
  /** The field holding the id (`branch_id`). */
  readonly idField: string;
  /** Fields that are not part of the spec. */
  readonly outside: readonly string[];
}

const BUNDLE_KINDS: Readonly<Record<string, BundleKind>> = {
  postgres_projects: { kind: "project", idField: "project_id", outside: ["project_id", "permissions", "purge_on_delete", "lifecycle"] },
  postgres_branches: { kind: "branch", idField: "branch_id", outside: ["parent", "branch_id", "replace_existing", "lifecycle"] },
  postgres_endpoints: { kind: "endpoint", idField: "endpoint_id", outside: ["parent", "endpoint_id", "replace_existing", "lifecycle"] },
  postgres_roles: { kind: "role", idField: "role_id", outside: ["parent", "role_id", "replace_existing", "lifecycle"] },
  postgres_databases: { kind: "database", idField: "database_id", outside: ["parent", "database_id", "replace_existing", "lifecycle"] },
};

/** A whole bundle (`{ resources: { postgres_projects … } }`) or its resources section. */
export function isBundleShaped(input: object): boolean {
  const root = resourcesOf(input as Json);
  return Object.keys(root).some((k) => k.startsWith("postgres_"));
}

function resourcesOf(input: Json): Json {
  const resources = input.resources;
  return typeof resources === "object" && resources !== null && !Array.isArray(resources) ? (resources as Json) : input;
}

/** The typed desired state a bundle describes; each entry's `source` is `postgres_branches.<key>`. */
export function fromBundle(input: Json): DesiredState {
  const resources = resourcesOf(input);
  for (const key of Object.keys(resources)) {
    if (key.startsWith("postgres_") && !(key in BUNDLE_KINDS)) {
      throw new ValidationError(`resources.${key}`, `is not managed by lakebase-sdk/iac (it manages ${Object.keys(BUNDLE_KINDS).join(", ")})`);
    }
  }
  const names = resourceNames(resources);
  const resolve = (value: unknown, where: string): unknown => resolveReferences(value, names, where);
  const out: Record<string, Json[]> = {};
  for (const [bundleKind, meta] of Object.entries(BUNDLE_KINDS)) {
    for (const [key, raw] of entriesOf(resources, bundleKind)) {
      const where = `${bundleKind}.${key}`;
      const fields = resolve(raw, where) as Json;
      const spec: Json = {};
      for (const [field, value] of Object.entries(fields)) if (!meta.outside.includes(field)) spec[field] = value;
      const entry: Json = { name: names.get(`${bundleKind}.${key}`), spec, source: where };
      if (meta.kind === "project") {
        if (fields.permissions !== undefined) entry.permissions = fields.permissions;
        if (fields.purge_on_delete === true) entry.purgeOnDelete = true;
      }
      (out[KINDS[meta.kind].collection] ??= []).push(entry);
    }
  }
  return out as DesiredState;
}

function entriesOf(resources: Json, bundleKind: string): [string, Json][] {
  const group = resources[bundleKind];
  if (group === undefined || group === null) return [];
  if (typeof group !== "object" || Array.isArray(group)) throw new ValidationError(`resources.${bundleKind}`, "must map keys to resources");
  return Object.entries(group as Json).map(([key, value]) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ValidationError(`${bundleKind}.${key}`, "must be an object of fields");
    return [key, value as Json];
  });
}

/**
 * The resource name of every bundle entry, by `<kind>.<key>`: a project's from its project_id, a
 * child's from its parent (itself maybe a reference) and its id.
 */
function resourceNames(resources: Json): Map<string, string> {
  const names = new Map<string, string>();
  // Parents first: BUNDLE_KINDS lists kinds in creation order, so a reference always points back.
  for (const [bundleKind, meta] of Object.entries(BUNDLE_KINDS)) {
    for (const [key, fields] of entriesOf(resources, bundleKind)) {
      const where = `${bundleKind}.${key}`;
      const id = fields[meta.idField];
      if (typeof id !== "string" || id === "") throw new ValidationError(`${where}.${meta.idField}`, "is required");
      if (meta.kind === "project") {
        names.set(where, `projects/${id}`);
        continue;
      }
      const parent = resolveReferences(fields.parent, names, `${where}.parent`);
      if (typeof parent !== "string" || parent === "") throw new ValidationError(`${where}.parent`, "is required: the parent's name or ${resources.<kind>.<key>.id}");
      names.set(where, `${parent}/${KINDS[meta.kind].collection}/${id}`);
    }
  }
  return names;
}

const REFERENCE = /\$\{([^}]*)\}/g;

/** Replaces `${resources.<kind>.<key>.id}` (or `.name`) in every string of `value`. */
function resolveReferences(value: unknown, names: ReadonlyMap<string, string>, where: string): unknown {
  if (typeof value === "string") {
    return value.replace(REFERENCE, (_, inner: string) => {
      const m = /^resources\.(postgres_\w+)\.([\w-]+)\.(id|name)$/.exec(inner.trim());
      const name = m ? names.get(`${m[1]}.${m[2]}`) : undefined;
      if (name !== undefined) return name;
      const why = m ? `no resource ${m[1]}.${m[2]} is described (or it is described after this one)` : "only ${resources.<postgres kind>.<key>.id} references are resolved; resolve variables first (databricks bundle validate -o json)";
      throw new ValidationError(where, `cannot resolve \${${inner}}: ${why}`);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveReferences(v, names, `${where}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, names, `${where}.${k}`)]));
  }
  return value;
}
