/**
 * `lakebase-sdk/schemas`: zod 4 schemas for every component of the spec, generated from
 * spec/postgres.openapi.yaml. Kept off the core entry so the core bundle stays small.
 */
export * from "./generated/schemas.js";
