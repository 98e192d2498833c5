import { checkId } from "./ids.js";
import { ValidationError } from "./errors.js";

/*
 * Resource names. Every single-resource method takes the full hierarchical name
 * (`projects/p/branches/b`); the types below let an editor tell a branch name from an endpoint
 * name, and `parseName` checks the same at run time before any request is sent.
 */

export type ProjectName = `projects/${string}`;
export type BranchName = `projects/${string}/branches/${string}`;
export type EndpointName = `projects/${string}/branches/${string}/endpoints/${string}`;
export type DatabaseName = `projects/${string}/branches/${string}/databases/${string}`;
export type RoleName = `projects/${string}/branches/${string}/roles/${string}`;
export type DataApiName = `projects/${string}/branches/${string}/databases/${string}/data-api`;
export type CdfConfigName = `projects/${string}/branches/${string}/databases/${string}/cdf-configs/${string}`;
export type CdfStatusName = `${CdfConfigName}/cdf-statuses/${string}`;
export type CatalogName = `catalogs/${string}`;
export type SyncedTableName = `synced_tables/${string}`;
export type OperationName = `${string}operations/${string}`;

/** One path segment: non-empty, no `/`. `string` itself passes (a name only known at run time). */
type Segment<S extends string> = string extends S ? S : S extends "" | `${string}/${string}` ? never : S;
type Segments<T extends readonly string[]> = T extends readonly [infer H extends string, ...infer R extends string[]]
  ? [Segment<H>] extends [never] ? false : Segments<R>
  : true;

/**
 * `N` when it has exactly the segments of the expected kind, else a message type the editor
 * shows: "Expected a branch name: projects/{project_id}/branches/{branch_id}".
 */
type Checked<N extends string, Parts extends readonly string[] | false, Expected extends string> = string extends N
  ? N
  : Parts extends readonly string[]
    ? Segments<Parts> extends true
      ? N
      : Expected
    : Expected;

export type ValidProjectName<N extends string> = Checked<N, N extends `projects/${infer P}` ? [P] : false, "Expected a project name: projects/{project_id}">;
export type ValidBranchName<N extends string> = Checked<N, N extends `projects/${infer P}/branches/${infer B}` ? [P, B] : false, "Expected a branch name: projects/{project_id}/branches/{branch_id}">;
export type ValidEndpointName<N extends string> = Checked<N, N extends `projects/${infer P}/branches/${infer B}/endpoints/${infer E}` ? [P, B, E] : false, "Expected an endpoint name: projects/{project_id}/branches/{branch_id}/endpoints/{endpoint_id}">;
export type ValidDatabaseName<N extends string> = Checked<N, N extends `projects/${infer P}/branches/${infer B}/databases/${infer D}` ? [P, B, D] : false, "Expected a database name: projects/{project_id}/branches/{branch_id}/databases/{database_id}">;
export type ValidRoleName<N extends string> = Checked<N, N extends `projects/${infer P}/branches/${infer B}/roles/${infer R}` ? [P, B, R] : false, "Expected a role name: projects/{project_id}/branches/{branch_id}/roles/{role_id}">;
export type ValidDataApiName<N extends string> = Checked<N, N extends `projects/${infer P}/branches/${infer B}/databases/${infer D}/data-api` ? [P, B, D] : false, "Expected a Data API name: projects/{project_id}/branches/{branch_id}/databases/{database_id}/data-api">;
export type ValidCdfConfigName<N extends string> = Checked<N, N extends `projects/${infer P}/branches/${infer B}/databases/${infer D}/cdf-configs/${infer C}` ? [P, B, D, C] : false, "Expected a CDF config name: projects/{project_id}/branches/{branch_id}/databases/{database_id}/cdf-configs/{cdf_config_id}">;
export type ValidCdfStatusName<N extends string> = Checked<N, N extends `projects/${infer P}/branches/${infer B}/databases/${infer D}/cdf-configs/${infer C}/cdf-statuses/${infer S}` ? [P, B, D, C, S] : false, "Expected a CDF status name: .../cdf-configs/{cdf_config_id}/cdf-statuses/{cdf_status_id}">;
export type ValidCatalogName<N extends string> = Checked<N, N extends `catalogs/${infer C}` ? [C] : false, "Expected a catalog name: catalogs/{catalog_id}">;
export type ValidSyncedTableName<N extends string> = Checked<N, N extends `synced_tables/${infer T}` ? [T] : false, "Expected a synced table name: synced_tables/{catalog}.{schema}.{table}">;

/**
 * Matches `name` against a template such as `projects/{project_id}/branches/{branch_id}` and
 * returns the parameters, each checked by its id rule. Throws a ValidationError naming `field`.
 * A template made of one verbatim parameter (`{operation_name}`) takes the whole name.
 */
export function parseName(template: string, name: unknown, field = "name"): Record<string, string> {
  if (typeof name !== "string" || name.length === 0) {
    throw new ValidationError(field, `is required: expected a resource name like ${template}`);
  }
  const whole = /^\{([a-z_]+)\}$/.exec(template)?.[1];
  if (whole) return { [whole]: whole === "operation_name" ? checkOperationName(name, field) : checkId(whole, name, field) };
  const want = template.split("/");
  const got = name.split("/");
  const mismatch = () => new ValidationError(field, `expected a resource name like ${template}, got "${name}"`);
  if (want.length !== got.length) throw mismatch();
  const params: Record<string, string> = {};
  want.forEach((part, i) => {
    const value = got[i]!;
    const param = /^\{([a-z_]+)\}$/.exec(part)?.[1];
    if (param) params[param] = checkId(param, value, `${field} (${param})`);
    else if (part !== value) throw mismatch();
  });
  return params;
}

const OPERATIONS = "operations/";

/**
 * An operation name as the service hands it out: `<resource name>/operations/{id}` (or a bare
 * `operations/{id}`, which the spec's OperationName pattern allows). The id is base64-like and may
 * itself contain `/`, so the name is spliced verbatim; what keeps the request on an operation is
 * that the part before `/operations/` parses as one of NAME_TEMPLATES, each id by its own rule
 * (`projects/operations/branches/b` names no resource and is refused). The id may contain
 * `operations/` too, so every split is tried. Throws a ValidationError naming `field`.
 */
export function checkOperationName(name: unknown, field = "name"): string {
  const value = checkId("operation_name", name, field);
  for (let at = value.indexOf(OPERATIONS); at !== -1; at = value.indexOf(OPERATIONS, at + 1)) {
    if (at > 0 && value[at - 1] !== "/") continue;
    const id = value.slice(at + OPERATIONS.length);
    if (!/^[A-Za-z0-9+/=_-]+$/.test(id)) continue;
    if (at === 0 || kindOf(value.slice(0, at - 1)) !== undefined) return value;
  }
  throw new ValidationError(
    field,
    `must be an operation name <resource name>/operations/{id} whose resource is a ${Object.keys(NAME_TEMPLATES).join(", ")} (as returned in Operation.name)`,
    { value },
  );
}

/** Fills a template with ids, checking each: `formatName("projects/{project_id}", { project_id: "p" })`. */
export function formatName(template: string, params: Record<string, string>): string {
  return template.replace(/\{([a-z_]+)\}/g, (_, param: string) => checkId(param, params[param]));
}

/** The name template of every resource kind (relative to /api/2.0/postgres/). */
export const NAME_TEMPLATES = {
  project: "projects/{project_id}",
  branch: "projects/{project_id}/branches/{branch_id}",
  endpoint: "projects/{project_id}/branches/{branch_id}/endpoints/{endpoint_id}",
  database: "projects/{project_id}/branches/{branch_id}/databases/{database_id}",
  role: "projects/{project_id}/branches/{branch_id}/roles/{role_id}",
  dataApi: "projects/{project_id}/branches/{branch_id}/databases/{database_id}/data-api",
  cdfConfig: "projects/{project_id}/branches/{branch_id}/databases/{database_id}/cdf-configs/{cdf_config_id}",
  cdfStatus: "projects/{project_id}/branches/{branch_id}/databases/{database_id}/cdf-configs/{cdf_config_id}/cdf-statuses/{cdf_status_id}",
  catalog: "catalogs/{catalog_id}",
  syncedTable: "synced_tables/{synced_table_id}",
} as const;

export type ResourceKind = keyof typeof NAME_TEMPLATES;

/** The ids a template names: "projects/{project_id}/branches/{branch_id}" → "project_id" | "branch_id". */
type TemplateIds<T extends string> = T extends `${string}{${infer Id}}${infer Rest}` ? Id | TemplateIds<Rest> : never;

/** The components of a resource name of kind K, e.g. `{ project_id, branch_id }` for a branch. */
export type NameParts<K extends ResourceKind> = { readonly [Id in TemplateIds<(typeof NAME_TEMPLATES)[K]>]: string };

function parserFor<K extends ResourceKind>(kind: K) {
  return (name: string): NameParts<K> => parseName(NAME_TEMPLATES[kind], name) as NameParts<K>;
}

/** Parsers: `parse.branch("projects/p/branches/b")` → `{ project_id: "p", branch_id: "b" }`; ValidationError on a bad name. */
export const parse = {
  project: parserFor("project"),
  branch: parserFor("branch"),
  endpoint: parserFor("endpoint"),
  database: parserFor("database"),
  role: parserFor("role"),
  dataApi: parserFor("dataApi"),
  cdfConfig: parserFor("cdfConfig"),
  cdfStatus: parserFor("cdfStatus"),
  catalog: parserFor("catalog"),
  syncedTable: parserFor("syncedTable"),
} as const;

/** The kind of a resource name, or undefined when it matches none. */
export function kindOf(name: string): ResourceKind | undefined {
  for (const kind of Object.keys(NAME_TEMPLATES) as ResourceKind[]) {
    try {
      parseName(NAME_TEMPLATES[kind], name);
      return kind;
    } catch {
      // not this kind
    }
  }
  return undefined;
}

/** Builders for every resource name; each checks its ids. */
export const names = {
  parse,
  kindOf,
  project: (projectId: string) => formatName("projects/{project_id}", { project_id: projectId }) as ProjectName,
  branch: (projectId: string, branchId: string) =>
    formatName("projects/{project_id}/branches/{branch_id}", { project_id: projectId, branch_id: branchId }) as BranchName,
  endpoint: (projectId: string, branchId: string, endpointId: string) =>
    formatName("projects/{project_id}/branches/{branch_id}/endpoints/{endpoint_id}", {
      project_id: projectId,
      branch_id: branchId,
      endpoint_id: endpointId,
    }) as EndpointName,
  database: (projectId: string, branchId: string, databaseId: string) =>
    formatName("projects/{project_id}/branches/{branch_id}/databases/{database_id}", {
      project_id: projectId,
      branch_id: branchId,
      database_id: databaseId,
    }) as DatabaseName,
  role: (projectId: string, branchId: string, roleId: string) =>
    formatName("projects/{project_id}/branches/{branch_id}/roles/{role_id}", {
      project_id: projectId,
      branch_id: branchId,
      role_id: roleId,
    }) as RoleName,
  catalog: (catalogId: string) => formatName("catalogs/{catalog_id}", { catalog_id: catalogId }) as CatalogName,
  syncedTable: (syncedTableId: string) =>
    formatName("synced_tables/{synced_table_id}", { synced_table_id: syncedTableId }) as SyncedTableName,
} as const;
