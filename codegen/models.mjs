// Friendly type aliases for every component schema: `Branch` is what the server returns
// (read markers applied, input-only fields removed) and `BranchInput` is what a request body
// may carry (output-only fields forbidden).
import { HEADER, listOperations, refName, resolve } from "./header.mjs";
import { resourceKinds } from "./names.mjs";

function requestBodySchemas(spec) {
  const names = new Set();
  for (const { op } of listOperations(spec)) {
    const body = resolve(spec, op.requestBody);
    const schema = body?.content?.["application/json"]?.schema;
    if (schema?.$ref) names.add(refName(schema.$ref));
  }
  return names;
}

function docComment(text) {
  if (!text) return "";
  const firstPara = String(text).trim().split(/\n\s*\n/)[0].replace(/\*\//g, "*\\/");
  return `/** ${firstPara.replace(/\s*\n\s*/g, " ")} */\n`;
}

export function renderModels(spec) {
  const inputs = requestBodySchemas(spec);
  const lines = [
    HEADER,
    'import type { $Read, $Write, components } from "./openapi.js";',
    "",
    'type Schemas = components["schemas"];',
    "// Primitives first: an open enum is `\"A\" | (string & {})`, which a plain `T extends object`",
    "// test would turn into a mapped object type.",
    "type Primitive = string | number | boolean | bigint | symbol | null | undefined;",
    "/** The response form: `$Read` markers unwrapped, `$Write` (input-only) fields removed. */",
    "export type Readable<T> = T extends Primitive ? T : T extends $Write<any> ? never : T extends $Read<infer U> ? Readable<U> : T extends readonly (infer E)[] ? Readable<E>[] : { [K in keyof T as NonNullable<T[K]> extends $Write<any> ? never : K]: Readable<T[K]> };",
    "/** The request form: `$Write` markers unwrapped, `$Read` (output-only) fields forbidden. */",
    "export type Writable<T> = T extends Primitive ? T : T extends $Read<any> ? never : T extends $Write<infer U> ? Writable<U> : T extends readonly (infer E)[] ? Writable<E>[] : { [K in keyof T as NonNullable<T[K]> extends $Read<any> ? never : K]: Writable<T[K]> } & { [K in keyof T as NonNullable<T[K]> extends $Read<any> ? K : never]?: never };",
    "",
  ];
  lines.push(
    "/**",
    " * Type-level link from a resource to its request-body form (no run-time value): lets",
    " * `FieldPath<Branch>` name the paths of `BranchInput`, since a GET result carries no `spec`.",
    " */",
    "export declare const INPUT_FORM: unique symbol;",
    "",
  );
  const names = Object.keys(spec.components?.schemas ?? {});
  // A resource's `name` is typed by its kind: a Branch's name is a BranchName (src/generated/names.ts).
  const nameTypes = new Map(resourceKinds(spec).filter((k) => k.schema).map((k) => [k.schema, `${k.kind[0].toUpperCase()}${k.kind.slice(1)}Name`]));
  lines.push(`import type { ${[...nameTypes.values()].join(", ")} } from "./names.js";`, "");
  for (const [name, schema] of Object.entries(spec.components?.schemas ?? {})) {
    const readable = `Readable<Schemas[${JSON.stringify(name)}]>`;
    const link = (inputs.has(name) ? ` & { readonly [INPUT_FORM]?: ${name}Input }` : "") + (nameTypes.has(name) ? ` & { readonly name?: ${nameTypes.get(name)} }` : "");
    lines.push(`${docComment(schema.description)}export type ${name} = ${readable}${link};`);
    if (inputs.has(name)) {
      lines.push(`/** Request-body form of {@link ${name}}: output-only fields are rejected at compile time. */`);
      lines.push(`export type ${name}Input = Writable<Schemas[${JSON.stringify(name)}]>;`);
    }
  }
  lines.push("", "/** Every model by its schema name (what an operation's `x-lro` result names). */");
  lines.push(`export interface Models {\n${names.map((n) => `  ${n}: ${n};`).join("\n")}\n}`);
  return lines.join("\n") + "\n";
}
