// One typed function per operation (`createBranch(lakebase, parent, "dev", body)`), each importing
// only its own operation constant, so a bundle pays for the operations it calls; and the
// namespaced client (`client.branches.create(...)`) as thin methods over the same functions.
// Names come from `x-sdk: {namespace, method}`; parameter and result types from the operation.
import { HEADER, listOperations, refName, resolve } from "./header.mjs";
import { kindOfTemplate } from "./names.mjs";

const BASE = "/api/2.0/postgres/";

/** `CreateBranch` → `createBranch`. */
const camel = (id) => id[0].toLowerCase() + id.slice(1);
/** `branch_id` → `branchId`. */
const camelParam = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/**
 * The name-check type of a resource-name template (src/generated/names.ts), by the template's kind
 * as names.mjs derives it: its last id parameter, or the literal segment of a singleton
 * (`…/data-api`, `…/snapshot-schedule`).
 */
function nameType(template) {
  if (template === "{operation_name}") return null;
  const kind = kindOfTemplate(template);
  return `Valid${kind[0].toUpperCase()}${kind.slice(1)}Name`;
}

function docComment(op, indent, extra = []) {
  const text = [op.summary ? `${op.summary.replace(/\.$/, "")}.` : "", op.description ?? ""].filter(Boolean).join(" ");
  const lines = text.replace(/\*\//g, "*\\/").replace(/\s+/g, " ").trim();
  const wrapped = [];
  let line = "";
  for (const word of lines.split(" ")) {
    if ((line + " " + word).length > 96) {
      wrapped.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) wrapped.push(line);
  return [`${indent}/**`, ...[...wrapped, ...extra].map((l) => `${indent} * ${l}`), `${indent} */`].join("\n");
}

/** What kind of method an operation is, from what the spec says of it. */
function methodKind(path, method, op) {
  if (op["x-paginated"]) return "list";
  if (op["x-lro"]) {
    if (method === "patch") return "update";
    if (method === "delete") return "delete";
    if (path.endsWith("/undelete")) return "undelete";
    return "create";
  }
  if (method === "get") return "get";
  // A synchronous call on a named resource with a body (SetProjectPermissions): `x-target` names it.
  return op["x-target"] ? "send" : "call";
}

function schemaOf(spec, op, where) {
  const node =
    where === "body"
      ? resolve(spec, op.requestBody)?.content?.["application/json"]?.schema
      : resolve(spec, op.responses?.["200"])?.content?.["application/json"]?.schema;
  return node?.$ref ? refName(node.$ref) : null;
}

/** Everything both renderings of one operation need: generics, parameters, result, body of the call. */
function describe(spec, { path, method, op, pathItem }) {
  const id = op.operationId;
  const kind = methodKind(path, method, op);
  const rest = op["x-target"] ?? path.slice(BASE.length);
  const params = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map((p) => resolve(spec, p));
  const query = params.filter((p) => p.in === "query").map((p) => p.name);
  const generics = [];
  const args = [];
  let resource = "undefined";
  // The resource name the path is built from: the name (get/update/delete) or the parent (create/list).
  const template = kind === "create" || kind === "list" ? rest.split("/").slice(0, -1).join("/") : rest.replace(/\/undelete$/, "");
  if (template !== "" && kind !== "call") {
    const type = nameType(template);
    const arg = kind === "create" || kind === "list" ? "parent" : "name";
    if (type) {
      const g = arg === "parent" ? "P" : "N";
      generics.push(`${g} extends string`);
      args.push(`${arg}: ${g} & ${type}<${g}>`);
    } else {
      args.push(`${arg}: OperationName | (string & {})`);
    }
    resource = arg;
  }
  // The created resource's id travels in the query (`?branch_id=dev`); absent where the API has none.
  const idParam = kind === "create" ? query.find((q) => q.endsWith("_id")) : undefined;
  if (idParam) {
    const required = params.find((p) => p.name === idParam)?.required;
    args.push(`${camelParam(idParam)}: string${required ? "" : " | undefined"}`);
  }
  const bodySchema = schemaOf(spec, op, "body");
  let body = "undefined";
  if (bodySchema && kind !== "undelete") {
    const arg = kind === "call" || kind === "send" ? "request" : camel(bodySchema);
    args.push(`${arg}: ${bodySchema}Input`);
    body = arg;
  }
  const omit = [idParam, "page_token", "update_mask"].filter((q) => q && query.includes(q));
  const rest_ = query.filter((q) => !omit.includes(q));
  // The mask rules are keyed by the kind of the updated resource (UPDATE_OPERATIONS in operations.ts).
  const maskResource = kind === "update" ? kindOfTemplate(template) : null;
  let paramsType = null;
  if (kind === "update") paramsType = `UpdateParams<"${maskResource}">`;
  else if (rest_.length > 0) paramsType = omit.length > 0 ? `Omit<QueryOf<"${id}">, ${omit.map((q) => JSON.stringify(q)).join(" | ")}>` : `QueryOf<"${id}">`;
  if (paramsType) args.push(`params?: ${paramsType}`);
  const optionsType = op["x-retry-conflict"] ? "ConflictRetryOptions" : "CallOptions";
  args.push(`options?: ${optionsType}`);

  const response = schemaOf(spec, op, "response");
  let result;
  let call;
  const paramsArg = paramsType ? "params" : "undefined";
  const idArg = idParam ? `{ ${idParam}: ${camelParam(idParam)} }` : "undefined";
  switch (kind) {
    case "list": {
      const items = op["x-paginated"].items;
      const itemRef = resolve(spec, { $ref: `#/components/schemas/${response}` }).properties[items].items.$ref;
      result = `Paginated<${refName(itemRef)}>`;
      call = `listResources(lakebase, ${id}, ${resource}, ${paramsArg}, options)`;
      break;
    }
    case "get":
      result = `Promise<${response}>`;
      call = `getResource(lakebase, ${id}, ${resource}, options)`;
      break;
    case "call":
      result = `Promise<${response}>`;
      call = `callResource(lakebase, ${id}, ${body}, options)`;
      break;
    case "send":
      result = `Promise<${response}>`;
      call = `sendResource(lakebase, ${id}, ${resource}, ${body}, options)`;
      break;
    case "create":
      result = `Handle<"${id}">`;
      call = `createResource(lakebase, ${id}, ${resource}, ${idArg}, ${body}, ${paramsArg}, options)`;
      break;
    case "update":
      result = `Handle<"${id}">`;
      call = `updateResource(lakebase, ${id}, "${maskResource}", ${resource}, ${body}, ${paramsArg}, options)`;
      break;
    case "delete":
      result = `Handle<"${id}">`;
      call = `deleteResource(lakebase, ${id}, ${resource}, ${paramsArg}, options)`;
      break;
    case "undelete":
      result = `Handle<"${id}">`;
      call = `undeleteResource(lakebase, ${id}, ${resource}, options)`;
      break;
  }
  const argNames = args.map((a) => a.slice(0, a.search(/[?:]/)));
  return { id, op, sdk: op["x-sdk"], kind, generics, args, argNames, result, call, bodySchema, response };
}

/** The model types and name-check types the signatures of `ops` mention, for the import lines. */
function typesUsed(ops) {
  const types = new Set();
  for (const d of ops) {
    if (d.bodySchema && d.kind !== "undelete") types.add(`${d.bodySchema}Input`);
    const m = /^(?:Promise|Paginated)<(\w+)>$/.exec(d.result);
    if (m) types.add(m[1]);
  }
  const nameTypes = new Set(ops.flatMap((d) => d.args.map((a) => /& (Valid\w+Name)</.exec(a)?.[1]).filter(Boolean)));
  return { types, nameTypes };
}

export function renderFunctions(spec) {
  const ops = listOperations(spec).map((entry) => describe(spec, entry));
  const { types, nameTypes } = typesUsed(ops);
  const lines = [
    HEADER,
    `import type { ${[...types].sort().join(", ")} } from "./models.js";`,
    `import { ${ops.map((d) => d.id).join(", ")} } from "./operations.js";`,
    'import type { CallOptions } from "../ops/call.js";',
    'import type { Lakebase } from "../ops/context.js";',
    'import { callResource, createResource, deleteResource, getResource, listResources, sendResource, undeleteResource, updateResource, type ConflictRetryOptions, type Handle, type QueryOf, type UpdateParams } from "../ops/methods.js";',
    `import type { OperationName, ${[...nameTypes].sort().join(", ")} } from "../ops/names.js";`,
    'import type { Paginated } from "../ops/paginate.js";',
    "",
  ];
  for (const d of ops) {
    const generics = d.generics.length ? `<${d.generics.join(", ")}>` : "";
    lines.push(docComment(d.op, "", [`Also \`client.${d.sdk.namespace}.${d.sdk.method}(…)\`.`]));
    lines.push(`export function ${camel(d.id)}${generics}(lakebase: Lakebase, ${d.args.join(", ")}): ${d.result} {`);
    lines.push(`  return ${d.call};`);
    lines.push("}", "");
  }
  return lines.join("\n");
}

export function renderNamespaces(spec) {
  const ops = listOperations(spec).map((entry) => describe(spec, entry));
  const byNamespace = new Map();
  for (const d of ops) {
    if (!d.sdk?.namespace || !d.sdk?.method) throw new Error(`${d.id} has no x-sdk {namespace, method}`);
    if (!byNamespace.has(d.sdk.namespace)) byNamespace.set(d.sdk.namespace, []);
    byNamespace.get(d.sdk.namespace).push(d);
  }
  const { types, nameTypes } = typesUsed(ops);
  const lines = [
    HEADER,
    `import type { ${[...types].sort().join(", ")} } from "./models.js";`,
    `import { ${ops.map((d) => camel(d.id)).join(", ")} } from "./functions.js";`,
    'import type { CallOptions } from "../ops/call.js";',
    'import type { Lakebase } from "../ops/context.js";',
    'import type { ConflictRetryOptions, Handle, QueryOf, UpdateParams } from "../ops/methods.js";',
    `import type { OperationName, ${[...nameTypes].sort().join(", ")} } from "../ops/names.js";`,
    'import type { Paginated } from "../ops/paginate.js";',
    "",
    "/** The namespaced methods of the client, each a call of its generated function. */",
    "export function namespaces(lakebase: Lakebase) {",
    "  return {",
  ];
  for (const [namespace, list] of byNamespace) {
    lines.push(`    ${namespace}: {`);
    for (const d of list) {
      const generics = d.generics.length ? `<${d.generics.join(", ")}>` : "";
      lines.push(docComment(d.op, "      "));
      lines.push(`      ${d.sdk.method}${generics}(${d.args.join(", ")}): ${d.result} {`);
      // Explicit type arguments: inferred again from `N & Valid…<N>`, N would not match itself.
      const typeArgs = d.generics.length ? `<${d.generics.map((g) => g.split(" ")[0]).join(", ")}>` : "";
      lines.push(`        return ${camel(d.id)}${typeArgs}(lakebase, ${d.argNames.join(", ")});`);
      lines.push("      },");
    }
    lines.push("    },");
  }
  lines.push("  };", "}", "");
  return lines.join("\n");
}
