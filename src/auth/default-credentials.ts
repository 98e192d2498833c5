/**
 * The default credential chain, Databricks "unified authentication" style (docs/auth.md#default-chain):
 *
 *  - attributes come from explicit options > environment > `~/.databrickscfg` profile
 *    (see `loadDatabricksConfig`);
 *  - `auth_type` (`DATABRICKS_AUTH_TYPE`, or in the profile) forces one provider, whose own error
 *    is returned as is;
 *  - otherwise providers are tried in the Go SDK's order (the CLI's), restricted to the types
 *    this SDK implements:
 *      pat → oauth-m2m → databricks-cli → metadata-service → github-oidc → env-oidc →
 *      file-oidc → azure-client-secret
 *    (`external-browser` only when forced with `auth_type`);
 *  - a provider is skipped only when it is NOT CONFIGURED (`CredentialUnavailableError`); a
 *    configured provider that fails stops the chain with its error;
 *  - attributes of more than one auth family (pat, basic, oauth, azure, metadata-service) without
 *    `auth_type` is an error, as in the official SDKs;
 *  - when nothing is configured, one `NoCredentialsError` lists each provider and why.
 * Node-only (config file, CLI).
 */
import type { FetchLike } from "../ops/retry.js";
import { azureClientSecretCredentials } from "./azure.js";
import type { CachedTokenProviderOptions } from "./cache.js";
import type { CallbackPorts } from "./callback-server.js";
import { chainCredentials, type ChainedTokenProvider, type CredentialLink, type SelectedCredential } from "./chain.js";
import { databricksCliCredentials } from "./cli.js";
import { ATTRIBUTES, configuredFamilies, loadDatabricksConfig, type DatabricksConfig, type DatabricksConfigInput } from "./config.js";
import { AuthConfigError, CredentialUnavailableError } from "./errors.js";
import { isAzureHost } from "./host.js";
import { idTokenFromFile } from "./id-token-file.js";
import { oauthM2MCredentials } from "./m2m.js";
import { metadataServiceCredentials } from "./metadata-service.js";
import { patCredentials } from "./pat.js";
import type { TokenRetryOptions } from "./token-http.js";
import { externalBrowserCredentials } from "./u2m.js";
import { githubActionsIdToken, idTokenFromEnv, workloadIdentityCredentials } from "./wif.js";

/** Provider names in the order the chain tries them. */
export const DEFAULT_CHAIN_ORDER = Object.freeze([
  "pat",
  "oauth-m2m",
  "databricks-cli",
  "metadata-service",
  "github-oidc",
  "env-oidc",
  "file-oidc",
  "azure-client-secret",
] as const);

/** Types accepted by `auth_type`: the chain's, plus `external-browser`. */
export const SUPPORTED_AUTH_TYPES = Object.freeze([...DEFAULT_CHAIN_ORDER, "external-browser"] as const);

/** Auth types of the official SDKs this SDK does not implement (named in the error). */
const UNSUPPORTED = new Set(["basic", "azure-cli", "azure-msi", "github-oidc-azure", "azure-devops-oidc", "google-credentials", "google-id", "runtime", "runtime-oauth", "model-serving"]);

const DOCS = "See https://docs.databricks.com/en/dev-tools/auth.html#databricks-client-unified-authentication";

export interface DefaultCredentialsOptions extends DatabricksConfigInput {
  /** fetch for every token request. */
  readonly fetch?: FetchLike;
  /** Retry policy of token requests. */
  readonly retry?: TokenRetryOptions | false;
  /** Cache tuning for the chosen provider. */
  readonly cache?: CachedTokenProviderOptions;
  /** Called once with the provider that won (its name), the skipped ones and the config. */
  readonly onSelected?: (selected: SelectedCredential & { readonly config: DatabricksConfig }) => void;
  /** For `external-browser`: how to open the browser. */
  readonly openBrowser?: (url: string) => void | Promise<void>;
  /** For `external-browser`: redirect port(s). */
  readonly callbackPort?: CallbackPorts;
  /** For `external-browser`: token cache file (or `false`). */
  readonly tokenCacheFile?: string | false;
}

/** The chain's provider, plus the resolved configuration (host, workspace id, …). */
export interface DefaultCredentialsProvider extends ChainedTokenProvider {
  /** Resolved attributes; secrets print as `***`. */
  readonly config: DatabricksConfig;
  /** The resolved host, if any: pass it to `createLakebaseClient`. */
  readonly host: string | undefined;
}

/**
 * The default credential chain. Reads the configuration now (a missing named profile or an
 * ambiguous setup throws `AuthConfigError` here); chooses the provider on the first `getToken`
 * (or `resolve()`), after which `name` tells which one won.
 *
 * @example
 * import { defaultCredentials } from "lakebase-sdk/auth/node";
 * const auth = defaultCredentials({ onSelected: ({ name }) => console.error(`auth: ${name}`) });
 * const client = createLakebaseClient({ host: auth.host!, auth });
 */
export function defaultCredentials(options: DefaultCredentialsOptions = {}): DefaultCredentialsProvider {
  const config = loadDatabricksConfig(options);
  const env = options.env ?? process.env;
  const v = config.values;
  const authType = v.authType?.trim();

  if (authType) {
    if (UNSUPPORTED.has(authType)) throw new AuthConfigError("default", `auth type "${authType}" is not supported by lakebase-sdk (supported: ${SUPPORTED_AUTH_TYPES.join(", ")})`);
    if (!(SUPPORTED_AUTH_TYPES as readonly string[]).includes(authType)) throw new AuthConfigError("default", `auth type "${authType}" not found`);
  } else {
    const families = configuredFamilies(config);
    if (families.length > 1) {
      const where = families.map((family) => {
        const attrs = ATTRIBUTES.filter((a) => a.family === family && v[a.name] !== undefined).map((a) => `${a.name} from ${config.sources[a.name]}`);
        return `${family} (${attrs.join(", ")})`;
      });
      throw new AuthConfigError("default", `more than one authorization method configured: ${where.join(" and ")}; set auth_type (DATABRICKS_AUTH_TYPE) to choose one`);
    }
  }

  const http = { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.retry !== undefined ? { retry: options.retry } : {}), ...(options.cache ? { cache: options.cache } : {}) };
  const needHost = (name: string): string => {
    if (!v.host) throw new CredentialUnavailableError(name, "no host (DATABRICKS_HOST or `host` in a profile)");
    return v.host;
  };
  const need = (name: string, pairs: [string, string | undefined][]) => {
    const missing = pairs.filter(([, value]) => !value).map(([label]) => label);
    if (missing.length) throw new CredentialUnavailableError(name, `no ${missing.join(", ")}`);
  };
  const clientId = v.clientId;
  const audience = v.tokenAudience;
  const oidcCommon = (name: string) => ({
    name,
    host: needHost(name),
    ...(clientId ? { clientId } : {}),
    ...(v.accountId ? { accountId: v.accountId } : {}),
    ...(audience ? { audience } : {}),
    ...(v.scopes ? { scopes: v.scopes } : {}),
    ...(v.discoveryUrl ? { discoveryUrl: v.discoveryUrl } : {}),
    ...http,
  });

  const links: Record<(typeof SUPPORTED_AUTH_TYPES)[number], CredentialLink> = {
    pat: { name: "pat", create: () => patCredentials({ env: {}, ...(v.token ? { token: v.token } : {}) }) },
    "oauth-m2m": {
      name: "oauth-m2m",
      create: () => {
        need("oauth-m2m", [["client_id (DATABRICKS_CLIENT_ID)", v.clientId], ["client_secret (DATABRICKS_CLIENT_SECRET)", v.clientSecret]]);
        return oauthM2MCredentials({
          host: needHost("oauth-m2m"),
          clientId: v.clientId!,
          clientSecret: v.clientSecret!,
          ...(v.accountId ? { accountId: v.accountId } : {}),
          ...(v.scopes ? { scopes: v.scopes } : {}),
          ...(v.discoveryUrl ? { discoveryUrl: v.discoveryUrl } : {}),
          ...http,
        });
      },
    },
    "databricks-cli": {
      name: "databricks-cli",
      create: () => {
        if (!v.host && !config.profile) throw new CredentialUnavailableError("databricks-cli", "no host or profile");
        return databricksCliCredentials({
          ...(config.profile && config.configFile ? { profile: config.profile } : {}),
          ...(v.host ? { host: v.host } : {}),
          ...(v.accountId ? { accountId: v.accountId } : {}),
          ...(v.databricksCliPath ? { cliPath: v.databricksCliPath } : {}),
          env,
          ...(options.cache ? { cache: options.cache } : {}),
        });
      },
    },
    "metadata-service": {
      name: "metadata-service",
      create: () => {
        need("metadata-service", [["metadata_service_url (DATABRICKS_METADATA_SERVICE_URL)", v.metadataServiceUrl]]);
        return metadataServiceCredentials({ host: needHost("metadata-service"), url: v.metadataServiceUrl!, ...http });
      },
    },
    "github-oidc": {
      name: "github-oidc",
      create: () => {
        need("github-oidc", [["ACTIONS_ID_TOKEN_REQUEST_URL", v.actionsIdTokenRequestUrl], ["ACTIONS_ID_TOKEN_REQUEST_TOKEN", v.actionsIdTokenRequestToken]]);
        const common = oidcCommon("github-oidc");
        const idToken = githubActionsIdToken({ requestUrl: v.actionsIdTokenRequestUrl!, requestToken: v.actionsIdTokenRequestToken!, ...http });
        return workloadIdentityCredentials({ ...common, idToken });
      },
    },
    "env-oidc": {
      name: "env-oidc",
      create: () => {
        const variable = v.oidcTokenEnv ?? "DATABRICKS_OIDC_TOKEN";
        if (!env[variable]?.trim()) throw new CredentialUnavailableError("env-oidc", `environment variable ${variable} is not set`);
        return workloadIdentityCredentials({ ...oidcCommon("env-oidc"), idToken: idTokenFromEnv(variable, env) });
      },
    },
    "file-oidc": {
      name: "file-oidc",
      create: () => {
        need("file-oidc", [["ID token file path (DATABRICKS_OIDC_TOKEN_FILEPATH)", v.oidcTokenFilepath]]);
        return workloadIdentityCredentials({ ...oidcCommon("file-oidc"), idToken: idTokenFromFile(v.oidcTokenFilepath!) });
      },
    },
    "azure-client-secret": {
      name: "azure-client-secret",
      create: () => {
        need("azure-client-secret", [["azure_client_id (ARM_CLIENT_ID)", v.azureClientId], ["azure_client_secret (ARM_CLIENT_SECRET)", v.azureClientSecret]]);
        const host = needHost("azure-client-secret");
        if (!isAzureHost(host) && !v.azureWorkspaceResourceId) throw new CredentialUnavailableError("azure-client-secret", "the host is not an Azure Databricks workspace");
        return azureClientSecretCredentials({
          host,
          clientId: v.azureClientId!,
          clientSecret: v.azureClientSecret!,
          ...(v.azureTenantId ? { tenantId: v.azureTenantId } : {}),
          ...(v.azureEnvironment ? { environment: v.azureEnvironment } : {}),
          ...http,
        });
      },
    },
    "external-browser": {
      name: "external-browser",
      create: () =>
        externalBrowserCredentials({
          host: needHost("external-browser"),
          ...(v.clientId ? { clientId: v.clientId } : {}),
          ...(v.accountId ? { accountId: v.accountId } : {}),
          ...(v.scopes ? { scopes: v.scopes } : {}),
          ...(v.discoveryUrl ? { discoveryUrl: v.discoveryUrl } : {}),
          ...(config.profile ? { profile: config.profile } : {}),
          ...(isTrue(v.disableOauthRefreshToken) ? { disableRefreshToken: true } : {}),
          ...(options.callbackPort !== undefined ? { callbackPort: options.callbackPort } : v.oauthCallbackPort ? { callbackPort: Number(v.oauthCallbackPort) } : {}),
          ...(options.openBrowser ? { openBrowser: options.openBrowser } : {}),
          ...(options.tokenCacheFile !== undefined ? { tokenCacheFile: options.tokenCacheFile } : {}),
          ...http,
        }),
    },
  };

  const chosen: CredentialLink[] = authType ? [links[authType as keyof typeof links]] : DEFAULT_CHAIN_ORDER.map((n) => links[n]);
  const where = config.configFile
    ? `config: profile ${config.profile ?? "(none)"} in ${config.configFile}`
    : `config file not read: ${config.fileSkipped ?? "n/a"}`;
  const chain = chainCredentials(chosen, {
    name: "default credentials",
    hint: `${where}. ${DOCS}`,
    rethrowSingle: Boolean(authType),
    ...(options.onSelected ? { onSelected: (selected: SelectedCredential) => options.onSelected!({ ...selected, config }) } : {}),
  });
  Object.defineProperties(chain, {
    config: { value: config, enumerable: false },
    host: { value: v.host, enumerable: true },
  });
  return chain as DefaultCredentialsProvider;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes)$/i.test(value.trim());
}
