/**
 * The core modules the other entries (`lakebase-sdk/auth`, `/postgres`, `/iac`, `/raw`, the
 * emulator) use, re-exported from one module of the build. Not a public entry (package.json
 * "exports" has no subpath for it): it exists so that the root entry loads as two files and every
 * entry shares one copy of the core (see tsup.config.ts).
 */
export * from "./client.js";
export * from "./client/core.js";
export * from "./client/knobs.js";
export * from "./auth/host-query.js";
export * from "./auth/errors.js";
export * from "./auth/secrets.js";
export * from "./client/current-user.js";
export * from "./client/endpoints.js";
export * from "./generated/functions.js";
export * from "./generated/operations.js";
export * from "./ops/backoff.js";
export * from "./ops/context.js";
export * from "./ops/durations.js";
export * from "./ops/errors.js";
export * from "./ops/masks/diff.js";
export * from "./ops/masks/rules.js";
export * from "./ops/masks/validate.js";
export * from "./ops/names.js";
export * from "./ops/parse-error-body.js";
export * from "./ops/redact.js";
export * from "./ops/sleep.js";
export * from "./ops/token-provider.js";
export * from "./ops/user-agent.js";
export * from "./version.js";
