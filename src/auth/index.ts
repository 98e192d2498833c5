/**
 * `lakebase-sdk/auth`: token providers for every Databricks credential type that works without
 * Node built-ins (edge-safe: fetch and WebCrypto only), and the cache and chain they are built
 * from. The file-, CLI- and browser-based ones (the unified default chain, U2M, the Databricks
 * CLI, the Azure CLI, Google Application Default Credentials) are in `lakebase-sdk/auth/node`.
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
export { AZURE_CLOUDS, AZURE_SP_MANAGEMENT_TOKEN_HEADER, AZURE_WORKSPACE_RESOURCE_ID_HEADER, type AzureCloud } from "./azure-cloud.js";
export type { AzureCredentials } from "./azure-provider.js";
export { azureMsiCredentials, AZURE_IMDS_TOKEN_ENDPOINT, type AzureMsiOptions } from "./azure-msi.js";
export { azureFederatedCredentials, AZURE_TOKEN_EXCHANGE_AUDIENCE, type AzureFederatedOptions } from "./azure-github-oidc.js";
export { azureDevOpsIdToken, AZURE_DEVOPS_VARIABLES, type AzureDevOpsIdTokenOptions } from "./azure-devops-id-token.js";
export { googleCredentials, GCP_SA_ACCESS_TOKEN_HEADER, type GoogleCredentialsOptions } from "./google-credentials.js";
export { googleIdCredentials, GOOGLE_IAM_CREDENTIALS_ENDPOINT, type GoogleIdOptions } from "./google-id.js";
export { GOOGLE_TOKEN_URI, type GoogleServiceAccountKey } from "./google-service-account.js";
export { fetchHostMetadata, HOST_METADATA_PATH, type HostMetadata } from "./host-metadata.js";
export { withExtraHeaders, type ExtraHeadersProvider, type ExtraHeadersSource } from "./extra-headers.js";
export { metadataServiceCredentials, type MetadataServiceOptions } from "./metadata-service.js";
export { workloadIdentityCredentials, idTokenFromEnv, githubActionsIdToken, type IdTokenSource, type WorkloadIdentityOptions, type GitHubActionsIdTokenOptions } from "./wif.js";
