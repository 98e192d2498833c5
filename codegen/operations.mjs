// The operation table: for every operationId, the verb, path template, where each parameter
// goes, the body and result schemas, the long-running-operation result/metadata (`x-lro`),
// the paginated list field (`x-paginated`) and the update-mask rules (`x-update-mask`,
// `x-oneof-groups`, `x-immutable`), and what a request body is checked for before it is sent
// (Duration fields with `x-duration-bounds`, output-only fields). The hand-written layers read this
// table instead of repeating what the spec already says.
import { bodyRules, identifierFields, integerBounds } from "./body-rules.mjs";
import { HEADER, listOperations, refName, resolve } from "./header.mjs";
import { kindOfTemplate } from "./names.mjs";

const BASE = "/api/2.0/postgres/";

function schemaRefName(node) {
  return node?.$ref ? refName(node.$ref) : null;
}

/**
 * Where the resource name of an operation lives in its path: a `name`, a `parent`, or none. An
 * operation outside /api/2.0/postgres/ names its resource with `x-target` (the Permissions API's
 * `database-projects/{project_id}` path is about `projects/{project_id}`).
 */
function target(operationId, path, op = {}) {
  if (op["x-target"]) return { kind: "name", template: op["x-target"] };
  const rest = path.startsWith(BASE) ? path.slice(BASE.length) : path;
  if (/^(Create|List)/.test(operationId)) {
    const segments = rest.split("/");
    segments.pop();
    const parent = segments.join("/");
    return parent ? { kind: "parent", template: parent } : { kind: "none", template: "" };
  }
  if (/^(Get|Update|Delete|Undelete)/.test(operationId)) {
    return { kind: "name", template: rest.replace(/\/undelete$/, "") };
  }
  return { kind: "none", template: "" };
}

/** Walks the writable properties of a body schema, collecting mask-relevant facts by path. */
function maskFacts(spec, schema, prefix = "", facts = { groups: {}, immutable: [], carriedUnmasked: [], maps: [], createOnly: [] }, depth = 0) {
  const resolved = resolve(spec, schema);
  if (!resolved || depth > 6) return facts;
  const required = new Set(resolved.required ?? []);
  for (const [group, members] of Object.entries(resolved["x-oneof-groups"] ?? {})) {
    facts.groups[`${prefix}${group}`] = members.map((m) => `${prefix}${m}`);
  }
  for (const [key, prop] of Object.entries(resolved.properties ?? {})) {
    if (prop.readOnly) continue;
    const path = `${prefix}${key}`;
    if (prop["x-immutable"]) facts.immutable.push(path);
    // Immutable yet required in its object (EndpointSpec.endpoint_type): every body carries it, unmasked.
    if (prop["x-immutable"] && required.has(key)) facts.carriedUnmasked.push(path);
    if (depth === 0 && prop.writeOnly && key !== "spec") facts.createOnly.push(path);
    const target = resolve(spec, prop);
    if (!target || typeof target !== "object") continue;
    if (target.additionalProperties && !target.properties) {
      facts.maps.push(path);
    } else if (target.properties || target["x-oneof-groups"]) {
      maskFacts(spec, prop, `${path}.`, facts, depth + 1);
    }
  }
  return facts;
}

function operationInfo(spec, identifiers, { path, method, op, pathItem }) {
  const params = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map((p) => resolve(spec, p));
  const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  for (const name of pathParams) {
    if (!params.some((p) => p.in === "path" && p.name === name)) {
      throw new Error(`${op.operationId}: path parameter {${name}} is not declared`);
    }
  }
  const verbatim = params.filter((p) => p.in === "path" && p["x-verbatim"]).map((p) => p.name);
  const query = {};
  for (const p of params.filter((p) => p.in === "query")) {
    const schema = resolve(spec, p.schema) ?? {};
    query[p.name] = { required: Boolean(p.required), type: schema.type ?? "string" };
    if (schema.type === "integer") Object.assign(query[p.name], integerBounds(schema));
  }
  const requestBody = resolve(spec, op.requestBody);
  const bodySchema = requestBody?.content?.["application/json"]?.schema;
  const ok = resolve(spec, op.responses?.["200"]);
  const responseSchema = ok?.content?.["application/json"]?.schema;
  const lro = op["x-lro"] ?? null;
  const mask = op["x-update-mask"];
  return {
    id: op.operationId,
    method: method.toUpperCase(),
    path,
    target: target(op.operationId, path, op),
    pathParams,
    verbatimPathParams: verbatim,
    query,
    body: bodySchema
      ? { schema: schemaRefName(bodySchema), required: Boolean(requestBody.required), ...bodyRules(spec, bodySchema, identifiers) }
      : null,
    response: schemaRefName(responseSchema),
    lro: lro ? { response: lro.response, metadata: lro.metadata } : null,
    paginated: op["x-paginated"] ? { items: op["x-paginated"].items } : null,
    updateMask: mask
      ? { paths: mask.paths, ...maskFacts(spec, bodySchema) }
      : null,
    retryConflict: op["x-retry-conflict"] ? { message: op["x-retry-conflict"].message, timeoutMs: op["x-retry-conflict"].timeoutMs } : null,
  };
}

/** `{ branch_id: "^[a-z][a-z0-9-]{0,62}$", … }` from every path or query parameter named `*_id` with a pattern. */
function idPatterns(spec) {
  const out = {};
  for (const { op, pathItem } of listOperations(spec)) {
    for (const p of [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map((x) => resolve(spec, x))) {
      const pattern = resolve(spec, p.schema)?.pattern;
      if (p.name.endsWith("_id") && typeof pattern === "string") out[p.name] = pattern;
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function renderOperations(spec) {
  const table = {};
  const identifiers = identifierFields(spec);
  for (const entry of listOperations(spec)) {
    if (!entry.op.operationId) throw new Error(`${entry.method.toUpperCase()} ${entry.path} has no operationId`);
    table[entry.op.operationId] = operationInfo(spec, identifiers, entry);
  }
  const durationPattern = spec.components?.schemas?.Duration?.pattern;
  if (typeof durationPattern !== "string") throw new Error("components.schemas.Duration has no pattern");
  // One named constant per operation, one per line: readable in a diff, and a bundle keeps only
  // the operations it calls (the generated functions import them by name).
  const consts = Object.entries(table)
    .map(([id, info]) => `export const ${id} = ${JSON.stringify(info)} as const satisfies OperationInfo;`)
    .join("\n");
  const body = `{ ${Object.keys(table).join(", ")} }`;
  return `${HEADER}
/** What the spec says about one API method. */
export interface OperationInfo {
  readonly id: string;
  readonly method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** openapi-fetch path template (a key of \`paths\` in ./openapi.ts). */
  readonly path: string;
  /** Which resource name the path is built from, and its template relative to /api/2.0/postgres/. */
  readonly target: { readonly kind: "name" | "parent" | "none"; readonly template: string };
  readonly pathParams: readonly string[];
  /** Path parameters spliced verbatim (operation names contain \`/\`, \`+\`, \`=\`). */
  readonly verbatimPathParams: readonly string[];
  readonly query: { readonly [name: string]: { readonly required: boolean; readonly type: string; readonly minimum?: number; readonly maximum?: number } };
  /**
   * The request body: its schema, the Duration fields by dotted path with their bounds in seconds
   * (\`x-duration-bounds\`), and the output-only fields a request must not carry.
   */
  readonly body: {
    readonly schema: string | null;
    readonly required: boolean;
    readonly durations: { readonly [path: string]: { readonly minimum?: number; readonly maximum?: number } };
    readonly outputOnly: readonly string[];
    /** Fields that hold a resource name (\`x-resource-name\`), by dotted path, with the name's template. */
    readonly names: { readonly [path: string]: string };
  } | null;
  readonly response: string | null;
  /** Long-running operation: the schema \`Operation.response\` decodes to, and the metadata schema. */
  readonly lro: { readonly response: string; readonly metadata: string } | null;
  /** Paginated list: the field of the response that holds the items. */
  readonly paginated: { readonly items: string } | null;
  /** Update-mask rules: accepted paths, oneof groups (group path -> member paths), immutable fields, whole-value maps, create-only fields. */
  readonly updateMask: {
    readonly paths: readonly string[];
    readonly groups: { readonly [group: string]: readonly string[] };
    readonly immutable: readonly string[];
    /** Immutable fields a body must still carry (required in their object): sent, never masked. */
    readonly carriedUnmasked: readonly string[];
    readonly maps: readonly string[];
    readonly createOnly: readonly string[];
  } | null;
  /** A 409 whose message contains \`message\` means nothing was done yet: retried with backoff for up to \`timeoutMs\`. */
  readonly retryConflict: { readonly message: string; readonly timeoutMs: number } | null;
}

${consts}

/** The update operation of every resource kind whose update takes an \`update_mask\`, by kind. */
export const UPDATE_OPERATIONS = { ${Object.entries(table).filter(([, info]) => info.updateMask).map(([id, info]) => `${kindOfTemplate(info.target.template)}: ${id}`).join(", ")} } as const;

/** The spec's pattern of every id parameter that has one: checked before any request. */
export const ID_PATTERNS: { readonly [param: string]: string } = ${JSON.stringify(idPatterns(spec))};

/** Path parameters spliced verbatim (\`x-verbatim\`): they carry their own rule instead of the one-segment rule. */
export const VERBATIM_PARAMS: readonly string[] = ${JSON.stringify([...new Set(Object.values(table).flatMap((info) => info.verbatimPathParams))])};

/** The result schema of every long-running operation, by id: what \`resumeOperation(client, name, kind)\` decodes. */
export const LRO_RESULTS = ${JSON.stringify(Object.fromEntries(Object.entries(table).filter(([, info]) => info.lro).map(([id, info]) => [id, info.lro.response])))} as const;

/** Every operation by id: for tools and the emulator. Client code imports the operations it calls by name. */
export const operations = ${body} as const satisfies Record<string, OperationInfo>;

export type OperationId = keyof typeof operations;

/** The JSON form of a protobuf Duration (components.schemas.Duration.pattern): "300s", "3.5s". */
export const DURATION_PATTERN = new RegExp(${JSON.stringify(durationPattern)});
`;
}
