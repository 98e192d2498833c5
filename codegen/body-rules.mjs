// What the SDK checks in a request body before sending it, read from the body schema:
// the Duration fields with their `x-duration-bounds`, and the output-only (`readOnly`) fields.
// The run-time walker (src/ops/body-checks.ts) reads these from the operation table.
import { resolve } from "./header.mjs";

/** Seconds of a Duration string from the spec ("60s", "0.5s"); a malformed bound is a spec error. */
export function durationSeconds(text, where) {
  const match = /^(-?[0-9]+(?:\.[0-9]{1,9})?)s$/.exec(String(text));
  if (!match) throw new Error(`${where}: x-duration-bounds value ${JSON.stringify(text)} is not a Duration string such as "60s"`);
  return Number(match[1]);
}

function isDuration(spec, prop) {
  return resolve(spec, prop)?.["x-ts-type"] === "duration";
}

/**
 * Output-only fields that identify the resource are accepted on input even though the spec marks
 * them `readOnly`: `name`, `parent` and the id fields that are also path parameters (`role_id`,
 * `catalog_id`, …). Declarative layers (Terraform-style) echo them back, and the API takes them.
 */
export function identifierFields(spec) {
  const ids = new Set(["name", "parent"]);
  for (const path of Object.keys(spec.paths ?? {})) for (const m of path.matchAll(/\{([^}]+)\}/g)) ids.add(m[1]);
  return ids;
}

/**
 * Walks the writable part of a body schema. `durations` maps a dotted path to its bounds in
 * seconds; `outputOnly` lists the readOnly paths a request must not carry. Arrays are not
 * entered: the dotted paths have no index, so a Duration inside array items (the `retention` of
 * SnapshotSchedule's cadences) is left to the server's check.
 */
export function bodyRules(spec, schema, identifiers, prefix = "", rules = { durations: {}, outputOnly: [], names: {} }, depth = 0) {
  const resolved = resolve(spec, schema);
  if (!resolved || depth > 8) return rules;
  for (const [key, prop] of Object.entries(resolved.properties ?? {})) {
    const path = `${prefix}${key}`;
    if (prop.readOnly || resolve(spec, prop)?.readOnly) {
      if (!(depth === 0 && identifiers.has(key))) rules.outputOnly.push(path);
      continue;
    }
    if (prop["x-resource-name"]) rules.names[path] = prop["x-resource-name"];
    if (isDuration(spec, prop)) {
      const bounds = prop["x-duration-bounds"] ?? {};
      const out = {};
      if (bounds.minimum !== undefined) out.minimum = durationSeconds(bounds.minimum, path);
      if (bounds.maximum !== undefined) out.maximum = durationSeconds(bounds.maximum, path);
      rules.durations[path] = out;
      continue;
    }
    const target = resolve(spec, prop);
    if (target?.properties) bodyRules(spec, prop, identifiers, `${path}.`, rules, depth + 1);
  }
  return rules;
}

/** The integer range a query parameter's schema allows: explicit bounds, else its format's (int32). */
export function integerBounds(schema) {
  const out = {};
  const int32 = schema.format === "int32";
  if (schema.minimum !== undefined) out.minimum = schema.minimum;
  else if (int32) out.minimum = -(2 ** 31);
  if (schema.maximum !== undefined) out.maximum = schema.maximum;
  else if (int32) out.maximum = 2 ** 31 - 1;
  return out;
}
