/**
 * The token-provider contract lives at the bottom of the stack (src/ops/token-provider.ts), where
 * the transport reads it without importing auth/; this module keeps the providers' import path.
 */
export * from "../ops/token-provider.js";
