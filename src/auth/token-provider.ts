/**
 * The token-provider contract lives at the bottom of the stack (src/ops/token-provider.ts), where
 * the transport reads it without importing auth/; this module keeps the providers' import path.
 * Named, not `export *`: in the build the core is another file, and a star re-export of it would
 * carry all of the core's exports (and keep them in a user's bundle; see tsup.config.ts).
 */
export { canRefresh, staticToken, toTokenProvider } from "../ops/token-provider.js";
export type { AccessToken, AuthOption, GetTokenOptions, NamedTokenProvider, TokenProvider } from "../ops/token-provider.js";
