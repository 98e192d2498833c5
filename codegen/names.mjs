// Resource names from the spec: every resource kind is the target of a Get operation, and its
// name template is that operation's path below /api/2.0/postgres/. From the templates come the
// name types (`BranchName`), the editor checks (`ValidBranchName<N>`, whose failure reads as a
// sentence), the builders (`endpointName(branch.name, "primary")`) and the schema → name type map
// that types a result's `name` (a Branch's name is a BranchName).
import { HEADER, listOperations, refName, resolve } from "./header.mjs";

const BASE = "/api/2.0/postgres/";

const words = (kind) => kind.replace(/([A-Z])/g, " $1").toLowerCase().split(" ");
const ACRONYMS = { cdf: "CDF", api: "API" };

/** How a message names a kind: "CDF config", "Data API", "synced table". */
function noun(kind) {
  const parts = words(kind).map((w) => ACRONYMS[w] ?? w);
  // "data API" reads as the product's name, "Data API"
  if (parts.at(-1) === "API") parts[0] = parts[0][0].toUpperCase() + parts[0].slice(1);
  return parts.join(" ");
}

const article = (text) => (/^[aeiou]/i.test(text) && !/^(CDF)/.test(text) ? "an" : "a");
const pascal = (kind) => kind[0].toUpperCase() + kind.slice(1);

/** The kind of a template: its last id parameter (`cdf_config_id` → cdfConfig), or its last literal segment (`data-api` → dataApi). */
export function kindOfTemplate(template) {
  const last = template.split("/").at(-1);
  const param = /^\{([a-z_]+)_id\}$/.exec(last)?.[1];
  const base = param ?? last;
  return base.split(/[_-]/).map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join("");
}

/** Every resource kind: template, the schema a Get of it answers, and how messages name it. */
export function resourceKinds(spec) {
  const kinds = [];
  for (const { path, method, op } of listOperations(spec)) {
    if (method !== "get" || op["x-paginated"] || !path.startsWith(BASE)) continue;
    const template = path.slice(BASE.length);
    if (template === "{operation_name}") continue;
    const schema = resolve(spec, op.responses?.["200"])?.content?.["application/json"]?.schema;
    const kind = kindOfTemplate(template);
    kinds.push({ kind, template, schema: schema?.$ref ? refName(schema.$ref) : null, noun: noun(kind) });
  }
  return kinds;
}

/** `projects/{project_id}/branches/{branch_id}` → `projects/${string}/branches/${string}`. */
const literalType = (template) => "`" + template.replace(/\{[a-z_]+\}/g, "${string}") + "`";

/** `projects/${infer A}/branches/${infer B}` and `[A, B]`. */
function inferPattern(template) {
  let i = 0;
  const vars = [];
  const pattern = template.replace(/\{[a-z_]+\}/g, () => {
    const v = `S${i++}`;
    vars.push(v);
    return `\${infer ${v}}`;
  });
  return { pattern: "`" + pattern + "`", vars };
}

export function renderNames(spec) {
  const kinds = resourceKinds(spec);
  const byTemplate = new Map(kinds.map((k) => [k.template, k]));
  const lines = [
    HEADER,
    'import type { Checked } from "../ops/name-check.js";',
    'import { formatName, parseName } from "../ops/name-parse.js";',
    "",
    "/** The name template of every resource kind (relative to /api/2.0/postgres/): the path of its Get. */",
    `export const NAME_TEMPLATES = {\n${kinds.map((k) => `  ${k.kind}: ${JSON.stringify(k.template)},`).join("\n")}\n} as const;`,
    "",
    "export type ResourceKind = keyof typeof NAME_TEMPLATES;",
    "",
  ];
  for (const k of kinds) {
    const type = `${pascal(k.kind)}Name`;
    const { pattern, vars } = inferPattern(k.template);
    lines.push(`/** The name of ${article(k.noun)} ${k.noun}: \`${k.template}\`. */`);
    lines.push(`export type ${type} = ${literalType(k.template)};`);
    lines.push(`/** \`N\` when it is ${article(k.noun)} ${k.noun} name, else a type whose text says what was expected. */`);
    lines.push(
      `export type Valid${type}<N extends string> = Checked<N, N extends ${pattern} ? [${vars.join(", ")}] : false, ${JSON.stringify(`Expected ${article(k.noun)} ${k.noun} name: ${k.template}`)}>;`,
    );
  }
  lines.push("");
  // Builders: the parent's name (when the kind has a parent kind) and the new id.
  const partsNeeded = new Set();
  for (const k of kinds) {
    const type = `${pascal(k.kind)}Name`;
    const segments = k.template.split("/");
    const parentTemplate = segments.slice(0, -2).join("/");
    const parent = byTemplate.get(parentTemplate);
    const idParam = /^\{([a-z_]+)\}$/.exec(segments.at(-1))?.[1];
    // Generic over the parent's name, checked by its Valid…Name: an endpoint name is assignable to
    // the BranchName template type (its last ${string} takes the rest), the check is not fooled.
    const build = (args, body, generic = "") => lines.push(`export function ${k.kind}Name${generic}(${args}): ${type} {`, `  return ${body};`, "}", "");
    const parentArg = (p) => `${p.kind}: P & Valid${pascal(p.kind)}Name<P>`;
    lines.push(`/** Builds ${article(k.noun)} ${k.noun} name, checking each id: \`${k.template}\`. */`);
    if (!idParam) {
      // A singleton below its parent (`…/databases/{database_id}/data-api`).
      const owner = byTemplate.get(segments.slice(0, -1).join("/"));
      partsNeeded.add(owner.kind);
      build(parentArg(owner), `formatName(NAME_TEMPLATES.${k.kind}, ${owner.kind}Parts(${owner.kind})) as ${type}`, "<P extends string>");
    } else if (parent) {
      partsNeeded.add(parent.kind);
      build(`${parentArg(parent)}, ${camelId(idParam)}: string`, `formatName(NAME_TEMPLATES.${k.kind}, { ...${parent.kind}Parts(${parent.kind}), ${idParam}: ${camelId(idParam)} }) as ${type}`, "<P extends string>");
    } else {
      build(`${camelId(idParam)}: string`, `formatName(NAME_TEMPLATES.${k.kind}, { ${idParam}: ${camelId(idParam)} }) as ${type}`);
    }
  }
  // Parsers used by the builders: a parent name back into its ids.
  for (const k of kinds.filter((k) => partsNeeded.has(k.kind))) {
    lines.push(`function ${k.kind}Parts(name: string): Record<string, string> {`, `  return parseName(NAME_TEMPLATES.${k.kind}, name, ${JSON.stringify(k.kind)});`, "}", "");
  }
  lines.push("/** How messages name each kind (\"endpoint\", \"Data API\"). */");
  lines.push(`export const NOUNS = {\n${kinds.map((k) => `  ${k.kind}: ${JSON.stringify(k.noun)},`).join("\n")}\n} as const;`, "");
  lines.push("/** The name type of every kind. */");
  lines.push(`export interface NameOfKind {\n${kinds.map((k) => `  ${k.kind}: ${pascal(k.kind)}Name;`).join("\n")}\n}`, "");
  lines.push("/** The name type a resource schema's `name` carries (a Branch's name is a BranchName). */");
  lines.push(`export interface NameOfSchema {\n${kinds.filter((k) => k.schema).map((k) => `  ${k.schema}: ${pascal(k.kind)}Name;`).join("\n")}\n}`);
  return lines.join("\n") + "\n";
}

const camelId = (param) => param.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/**
 * What the root entry (src/index.ts) re-exports of the names, for every kind: its builder, its
 * name type and its check. A kind added to the spec reaches users without an edit there.
 */
export function renderNameExports(spec) {
  const kinds = resourceKinds(spec);
  const types = ["ResourceKind", "NameOfKind", ...kinds.map((k) => `${pascal(k.kind)}Name`), ...kinds.map((k) => `Valid${pascal(k.kind)}Name`)];
  return [
    HEADER,
    "// Builders from a parent name (`endpointName(branch.name, \"primary\")`), name types and their checks.",
    `export { ${kinds.map((k) => `${k.kind}Name`).join(", ")} } from "./names.js";`,
    `export type { ${types.join(", ")} } from "./names.js";`,
    "",
  ].join("\n");
}
