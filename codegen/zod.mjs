// zod 4 schemas for every component schema. They are lenient where the wire is lenient
// (unknown object keys kept, open enums accept any string, int64 as number or string) and
// strict where the spec is (patterns, required fields, closed enums, numeric bounds).
import { HEADER, refName } from "./header.mjs";

const varName = (name) => `${name}Schema`;

function dependencies(schema, out = new Set()) {
  if (!schema || typeof schema !== "object") return out;
  if (schema.$ref) out.add(refName(schema.$ref));
  for (const value of Object.values(schema)) {
    if (value && typeof value === "object") dependencies(value, out);
  }
  return out;
}

/** Component names ordered so that every schema comes after the ones it references. */
function topoOrder(schemas) {
  const order = [];
  const state = new Map();
  const visit = (name, trail) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") throw new Error(`recursive schema cycle: ${[...trail, name].join(" -> ")}`);
    state.set(name, "visiting");
    for (const dep of dependencies(schemas[name])) {
      if (dep !== name) visit(dep, [...trail, name]);
    }
    state.set(name, "done");
    order.push(name);
  };
  for (const name of Object.keys(schemas)) visit(name, []);
  return order;
}

function literal(value) {
  return JSON.stringify(value);
}

function stringSchema(schema) {
  let out = "z.string()";
  if (schema.format === "date-time") out = "z.iso.datetime({ offset: true })";
  if (schema.pattern) out += `.regex(new RegExp(${literal(schema.pattern)}))`;
  if (schema.minLength !== undefined) out += `.min(${schema.minLength})`;
  if (schema.maxLength !== undefined) out += `.max(${schema.maxLength})`;
  return out;
}

function numberSchema(schema, integer) {
  let out = integer ? "z.number().int()" : "z.number()";
  if (schema.minimum !== undefined) out += `.min(${schema.minimum})`;
  if (schema.maximum !== undefined) out += `.max(${schema.maximum})`;
  return out;
}

function objectSchema(schema) {
  const props = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const extra = schema.additionalProperties;
  if (props.length === 0 && extra && typeof extra === "object") {
    return `z.record(z.string(), ${expr(extra)})`;
  }
  const fields = props.map(([key, prop]) => {
    const value = expr(prop);
    return `${literal(key)}: ${required.has(key) ? value : `${value}.optional()`}`;
  });
  const ctor = extra === false ? "z.strictObject" : "z.looseObject";
  return `${ctor}({ ${fields.join(", ")} })`;
}

function expr(schema) {
  if (schema.$ref) return varName(refName(schema.$ref));
  if (schema["x-open-enum"]) return "z.string()";
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return `z.union([${union.map(expr).join(", ")}])`;
  if (schema.allOf) {
    if (schema.allOf.length === 1) return expr(schema.allOf[0]);
    return schema.allOf.map(expr).reduce((a, b) => `z.intersection(${a}, ${b})`);
  }
  if (schema.enum) return `z.enum(${literal(schema.enum)})`;
  const type = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (type.length > 1) {
    return `z.union([${type.map((t) => expr({ ...schema, type: t })).join(", ")}])`;
  }
  switch (type[0]) {
    case "string":
      return stringSchema(schema);
    case "integer":
      return numberSchema(schema, true);
    case "number":
      return numberSchema(schema, false);
    case "boolean":
      return "z.boolean()";
    case "array":
      return `z.array(${schema.items ? expr(schema.items) : "z.unknown()"})`;
    case "object":
    case undefined:
      if (schema.properties || schema.additionalProperties !== undefined || type[0] === "object") {
        return objectSchema(schema);
      }
      return "z.unknown()";
    default:
      throw new Error(`unsupported schema type ${type[0]}`);
  }
}

export function renderZod(spec) {
  const schemas = spec.components?.schemas ?? {};
  const lines = [
    HEADER,
    'import { z } from "zod";',
    "",
  ];
  for (const name of topoOrder(schemas)) {
    lines.push(`export const ${varName(name)} = ${expr(schemas[name])};`);
  }
  lines.push("");
  lines.push("/** Every component schema by its spec name. */");
  lines.push(`export const schemas = { ${Object.keys(schemas).map((n) => `${n}: ${varName(n)}`).join(", ")} } as const;`);
  lines.push("export type SchemaName = keyof typeof schemas;");
  return lines.join("\n") + "\n";
}
