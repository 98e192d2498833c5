/**
 * The default credential chain, Databricks "unified authentication" style (docs/auth.md#default-chain):
 *
 *  - attributes come from explicit options > environment > `~/.databrickscfg` profile
 *    (see `loadDatabricksConfig`);
 *  - `auth_type` (`DATABRICKS_AUTH_TYPE`, or in the profile) forces one provider, whose own error
 *    is returned as is;
 *  - otherwise providers are tried in the Go SDK's order (the CLI's):
 *      pat → oauth-m2m → databricks-cli → metadata-service → github-oidc → azure-devops-oidc →
 *      env-oidc → file-oidc → github-oidc-azure → azure-msi → azure-client-secret → azure-cli →
 *      google-credentials → google-id
 *    (`external-browser` only when forced with `auth_type`);
 *  - a provider is skipped only when it is NOT CONFIGURED (`CredentialUnavailableError`); a
 *    configured provider that fails stops the chain with its error;
 *  - attributes of more than one auth family (pat, basic, oauth, azure, google, metadata-service,
 *    env-oidc, file-oidc) without `auth_type` is an error, as in the official SDKs;
 *  - the host's `/.well-known/databricks-config` fills unset account id, workspace id, audience and
 *    discovery URL (host-metadata.ts), and the workspace id travels as `X-Databricks-Workspace-Id`;
 *  - when nothing is configured, one `NoCredentialsError` lists each provider and why.
 * Node-only (config file, CLIs).
 */
import type { FetchLike } from "../ops/retry.js";
import { raceAbort } from "../ops/sleep.js";
import { azureDevOpsIdToken } from "./azure-devops-id-token.js";
import type { CachedTokenProviderOptions } from "./cache.js";
import type { CallbackPorts } from "./callback-server.js";
import { cloudLinks } from "./cloud-links.js";
import { chainCredentials, type ChainedTokenProvider, type CredentialLink, type SelectedCredential } from "./chain.js";
import { databricksCliCredentials } from "./cli.js";
import { ATTRIBUTES, configuredFamilies, isTrue, loadDatabricksConfig, type DatabricksConfig, type DatabricksConfigInput } from "./config.js";
import { AuthConfigError, CredentialUnavailableError } from "./errors.js";
import { extraHeadersOf, withExtraHeaders, type ExtraHeadersProvider } from "./extra-headers.js";
import { fetchHostMetadata, type HostMetadata } from "./host-metadata.js";
import { idTokenFromFile } from "./id-token-file.js";
import { oauthM2MCredentials } from "./m2m.js";
import { metadataServiceCredentials } from "./metadata-service.js";
import { patCredentials } from "./pat.js";
import type { TokenRetryOptions } from "./token-http.js";
import { externalBrowserCredentials } from "./u2m.js";
import { githubActionsIdToken, idTokenFromEnv, workloadIdentityCredentials } from "./wif.js";

/** Provider names in the order the chain tries them. */
export const DEFAULT_CHAIN_ORDER = /* @__PURE__ */ Object.freeze([
  "pat",
  "oauth-m2m",
  "databricks-cli",
  "metadata-service",
  "github-oidc",
  "azure-devops-oidc",
  "env-oidc",
  "file-oidc",
  "github-oidc-azure",
  "azure-msi",
  "azure-client-secret",
  "azure-cli",
  "google-credentials",
  "google-id",
] as const);

/**
 * The `auth_type` values that use a family's attributes (config.ts ATTRIBUTES), named in the
 * "more than one method" error so that its advice is a value `auth_type` accepts.
 */
const AUTH_TYPES_OF_FAMILY: Readonly<Record<string, readonly string[]>> = {
  pat: ["pat"],
  basic: ["basic"],
  oauth: ["oauth-m2m", "github-oidc", "azure-devops-oidc", "external-browser"],
  "metadata-service": ["metadata-service"],
  "env-oidc": ["env-oidc"],
  "file-oidc": ["file-oidc"],
  azure: ["azure-client-secret", "azure-msi", "azure-cli", "github-oidc-azure"],
  google: ["google-credentials", "google-id"],
};

/** Types accepted by `auth_type`: the chain's, plus `external-browser`. */
export const SUPPORTED_AUTH_TYPES = /* @__PURE__ */ Object.freeze([...DEFAULT_CHAIN_ORDER, "external-browser"] as const);

/** Auth types of the official SDKs this SDK does not implement (named in the error). */
const UNSUPPORTED = new Set(["basic", "runtime", "runtime-oauth", "model-serving"]);

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
  /**
   * Read `{host}/.well-known/databricks-config` to fill unset account id, workspace id, audience
   * and discovery URL (docs/auth.md#unified-hosts). Default true; failure is never an error.
   */
  readonly hostMetadata?: boolean;
}

/** The chain's provider, plus the resolved configuration (host, workspace id, …). */
export interface DefaultCredentialsProvider extends ChainedTokenProvider {
  /** Resolved attributes; secrets print as `***`. */
  readonly config: DatabricksConfig;
  /** The resolved host, if any: pass it to `createLakebaseClient`. */
  readonly host: string | undefined;
  /**
   * The workspace URL: `host`, else (Azure) the one `azure_workspace_resource_id` names, looked up
   * through Azure Resource Manager with the chosen credential.
   */
  resolveHost(options?: { readonly signal?: AbortSignal }): Promise<string>;
  /** The host's metadata (`/.well-known/databricks-config`), read once; undefined when unavailable or off. */
  hostMetadata(options?: { readonly signal?: AbortSignal }): Promise<HostMetadata | undefined>;
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
    if (!(SUPPORTED_AUTH_TYPES as readonly string[]).includes(authType)) {
      throw new AuthConfigError("default", `auth type "${authType}" not found; the types: ${SUPPORTED_AUTH_TYPES.join(", ")}`);
    }
  } else {
    const families = configuredFamilies(config);
    if (families.length > 1) {
      const where = families.map((family) => {
        const attrs = ATTRIBUTES.filter((a) => a.family === family && v[a.name] !== undefined).map((a) => `${a.name} from ${config.sources[a.name]}`);
        return `${family} (${attrs.join(", ")})`;
      });
      const types = families.flatMap((family) => AUTH_TYPES_OF_FAMILY[family] ?? []).filter((t) => (SUPPORTED_AUTH_TYPES as readonly string[]).includes(t));
      throw new AuthConfigError("default", `more than one authorization method configured: ${where.join(" and ")}; set auth_type (DATABRICKS_AUTH_TYPE) to choose one: ${types.join(", ")}`);
    }
  }

  // Knobs (docs/auth.md#knobs): `disable_async_token_refresh` turns the cache's background refresh
  // off; `http_timeout_seconds` bounds each token request as it bounds API calls.
  const cache = isTrue(v.disableAsyncTokenRefresh) && options.cache?.backgroundRefresh === undefined ? { ...options.cache, backgroundRefresh: false } : options.cache;
  const timeoutMs = positiveSeconds(v.httpTimeoutSeconds);
  const http = {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
    ...(cache ? { cache } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
  let metadata: Promise<HostMetadata | undefined> | undefined;
  // Shared by every caller, so no caller's signal ends it (it has its own 10 s bound).
  const hostMetadata = (signal?: AbortSignal): Promise<HostMetadata | undefined> => {
    if (options.hostMetadata === false || !v.host) return Promise.resolve(undefined);
    metadata ??= fetchHostMetadata(v.host, { accountId: v.accountId }, http).catch(() => undefined);
    return signal ? raceAbort(metadata, signal) : metadata;
  };
  const needHost = (name: string): string => {
    if (!v.host) throw new CredentialUnavailableError(name, "no host (DATABRICKS_HOST or `host` in a profile)");
    return v.host;
  };
  const need = (name: string, pairs: [string, string | undefined][]) => {
    const missing = pairs.filter(([, value]) => !value).map(([label]) => label);
    if (missing.length) throw new CredentialUnavailableError(name, `no ${missing.join(", ")}`);
  };
  const clientId = v.clientId;
  // The OIDC family and M2M: what the host's metadata says fills what the configuration left unset.
  const oauthCommon = async (name: string) => {
    const host = needHost(name);
    const meta = await hostMetadata();
    const accountId = v.accountId ?? meta?.accountId;
    const discoveryUrl = v.discoveryUrl ?? meta?.discoveryUrl;
    return { host, accountId, discoveryUrl, audience: v.tokenAudience ?? meta?.tokenAudience };
  };
  const oidcCommon = async (name: string) => {
    const { host, accountId, discoveryUrl, audience } = await oauthCommon(name);
    return {
      name,
      host,
      ...(clientId ? { clientId } : {}),
      ...(accountId ? { accountId } : {}),
      ...(audience ? { audience } : {}),
      ...(v.scopes ? { scopes: v.scopes } : {}),
      ...(discoveryUrl ? { discoveryUrl } : {}),
      ...http,
    };
  };

  const links: Record<(typeof SUPPORTED_AUTH_TYPES)[number], CredentialLink> = {
    pat: { name: "pat", create: () => patCredentials({ env: {}, ...(v.token ? { token: v.token } : {}) }) },
    "oauth-m2m": {
      name: "oauth-m2m",
      create: async () => {
        need("oauth-m2m", [["client_id (DATABRICKS_CLIENT_ID)", v.clientId], ["client_secret (DATABRICKS_CLIENT_SECRET)", v.clientSecret]]);
        const { host, accountId, discoveryUrl } = await oauthCommon("oauth-m2m");
        return oauthM2MCredentials({
          host,
          clientId: v.clientId!,
          clientSecret: v.clientSecret!,
          ...(accountId ? { accountId } : {}),
          ...(v.scopes ? { scopes: v.scopes } : {}),
          ...(discoveryUrl ? { discoveryUrl } : {}),
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
          ...(cache ? { cache } : {}),
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
      create: async () => {
        // As upstream, a Databricks service principal (client_id) is required: without one the
        // Actions token is for someone else (github-oidc-azure, with ARM_CLIENT_ID).
        need("github-oidc", [["ACTIONS_ID_TOKEN_REQUEST_URL", v.actionsIdTokenRequestUrl], ["ACTIONS_ID_TOKEN_REQUEST_TOKEN", v.actionsIdTokenRequestToken], ["client_id (DATABRICKS_CLIENT_ID)", v.clientId]]);
        const common = await oidcCommon("github-oidc");
        const idToken = githubActionsIdToken({ requestUrl: v.actionsIdTokenRequestUrl!, requestToken: v.actionsIdTokenRequestToken!, ...http });
        return workloadIdentityCredentials({ ...common, idToken });
      },
    },
    "azure-devops-oidc": {
      name: "azure-devops-oidc",
      create: async () => {
        const idToken = azureDevOpsIdToken({ env, ...http });
        need("azure-devops-oidc", [["client_id (DATABRICKS_CLIENT_ID)", v.clientId]]);
        return workloadIdentityCredentials({ ...(await oidcCommon("azure-devops-oidc")), idToken });
      },
    },
    "env-oidc": {
      name: "env-oidc",
      create: async () => {
        const variable = v.oidcTokenEnv ?? "DATABRICKS_OIDC_TOKEN";
        if (!env[variable]?.trim()) throw new CredentialUnavailableError("env-oidc", `environment variable ${variable} is not set`);
        return workloadIdentityCredentials({ ...(await oidcCommon("env-oidc")), idToken: idTokenFromEnv(variable, env) });
      },
    },
    "file-oidc": {
      name: "file-oidc",
      create: async () => {
        need("file-oidc", [["ID token file path (DATABRICKS_OIDC_TOKEN_FILEPATH)", v.oidcTokenFilepath]]);
        return workloadIdentityCredentials({ ...(await oidcCommon("file-oidc")), idToken: idTokenFromFile(v.oidcTokenFilepath!) });
      },
    },
    ...cloudLinks({ values: v, env, http, need, needHost, ...(options.homeDir ? { homeDir: options.homeDir } : {}) }),
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
  const chainHeaders = { extraHeaders: (chain as unknown as ExtraHeadersProvider).extraHeaders };
  // Unified hosts: the workspace id from the configuration, else from the host's metadata when it
  // is a unified host, travels with every request (`X-Databricks-Workspace-Id`, as the Go SDK sends
  // it); plus the winner's own headers. A header the caller set (the client's `workspaceId`) wins.
  withExtraHeaders(chain, async ({ signal }) => {
    const own = await extraHeadersOf(chainHeaders, signal ? { signal } : {});
    const meta = v.workspaceId ? undefined : await hostMetadata(signal);
    const workspaceId = v.workspaceId ?? (meta?.hostType === "UNIFIED_HOST" ? meta.workspaceId : undefined);
    return workspaceId ? { "X-Databricks-Workspace-Id": workspaceId, ...own } : own;
  });
  Object.defineProperties(chain, {
    config: { value: config, enumerable: false },
    host: { value: v.host, enumerable: true },
    hostMetadata: { value: (opts?: { readonly signal?: AbortSignal }) => hostMetadata(opts?.signal), enumerable: false },
    resolveHost: {
      value: async (opts?: { readonly signal?: AbortSignal }) => {
        if (v.host) return v.host;
        const { provider } = await chain.resolve(opts);
        const lookup = (provider as { workspaceHost?: (signal?: AbortSignal) => Promise<string> }).workspaceHost;
        if (!lookup) throw new AuthConfigError("default", "no host (DATABRICKS_HOST or `host` in a profile)");
        return lookup(opts?.signal);
      },
      enumerable: false,
    },
  });
  return chain as DefaultCredentialsProvider;
}

/** A positive number of seconds as ms, else undefined. */
function positiveSeconds(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n * 1000 : undefined;
}

