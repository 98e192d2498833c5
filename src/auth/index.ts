/**
 * `lakebase-sdk/auth`: token providers for every Databricks credential type that works without
 * Node built-ins (edge-safe), and the cache and chain they are built from. The file-, CLI- and
 * browser-based ones (the unified default chain, U2M, the Databricks CLI) are in
 * `lakebase-sdk/auth/node`.
 */
export { staticToken, type AccessToken, type AuthOption, type GetTokenOptions, type NamedTokenProvider, type TokenProvider } from "./token-provider.js";
export { AuthError, CredentialUnavailableError, NoCredentialsError, AuthConfigError, AuthenticationFailedError, InvalidTokenResponseError, type SkippedProvider, type AuthenticationFailedInit } from "./errors.js";
export { cachedTokenProvider, isCachedTokenProvider, type CachedTokenProviderOptions, type TokenRefreshEvent } from "./cache.js";
export { chainCredentials, type ChainOptions, type ChainedTokenProvider, type CredentialLink, type SelectedCredential } from "./chain.js";
export type { TokenHttpOptions, TokenRetryOptions } from "./token-http.js";
export { patCredentials, type PatOptions } from "./pat.js";
export { oauthM2MCredentials, type OAuthM2MOptions } from "./m2m.js";
export { databricksAppsCredentials, type DatabricksAppsOptions } from "./apps.js";
export { azureClientSecretCredentials, AZURE_DATABRICKS_RESOURCE_ID, AZURE_LOGIN_ENDPOINTS, type AzureClientSecretOptions } from "./azure.js";
export { metadataServiceCredentials, type MetadataServiceOptions } from "./metadata-service.js";
export { workloadIdentityCredentials, idTokenFromEnv, githubActionsIdToken, type IdTokenSource, type WorkloadIdentityOptions, type GitHubActionsIdTokenOptions } from "./wif.js";
