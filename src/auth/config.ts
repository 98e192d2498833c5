/**
 * Resolving Databricks configuration the way the official SDKs do (docs/auth.md#configuration-precedence):
 *
 *   explicit options  >  environment variables  >  ~/.databrickscfg profile
 *
 * attribute by attribute. The config file is not read at all when no profile is named
 * (`profile` / `DATABRICKS_CONFIG_PROFILE`) and a host, an auth attribute or an Azure resource id
 * is already set by code or environment. The profile is the named one (an error if missing), else
 * `[__settings__] default_profile`, else `DEFAULT`. Node-only (reads the file system).
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseDatabricksConfig, selectProfile } from "./config-file.js";
import { AuthConfigError } from "./errors.js";
// From the core (src/client.ts): the core client reads the same query (env-defaults.ts).
import { idsFromHostQuery } from "./host-query.js";
import { REDACTED } from "./secrets.js";

export { idsFromHostQuery };

/** Every attribute this SDK understands, with its file key(s) and environment variable(s). */
export interface DatabricksConfigAttributes {
  host?: string;
  accountId?: string;
  workspaceId?: string;
  token?: string;
  username?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
  scopes?: string;
  authType?: string;
  databricksCliPath?: string;
  metadataServiceUrl?: string;
  oidcTokenEnv?: string;
  oidcTokenFilepath?: string;
  tokenAudience?: string;
  discoveryUrl?: string;
  azureWorkspaceResourceId?: string;
  azureUseMsi?: string;
  azureClientId?: string;
  azureClientSecret?: string;
  azureTenantId?: string;
  azureEnvironment?: string;
  actionsIdTokenRequestUrl?: string;
  actionsIdTokenRequestToken?: string;
  oauthCallbackPort?: string;
  disableOauthRefreshToken?: string;
  googleServiceAccount?: string;
  googleCredentials?: string;
  cloud?: string;
  disableAsyncTokenRefresh?: string;
  httpTimeoutSeconds?: string;
  retryTimeoutSeconds?: string;
  debugHeaders?: string;
  rateLimit?: string;
}

export type AttributeName = keyof DatabricksConfigAttributes;

interface AttributeSpec {
  readonly name: AttributeName;
  readonly file: readonly string[];
  readonly env: readonly string[];
  /** Auth family for the "more than one method" check (Go SDK `auth:` tags). */
  readonly family?: string;
  readonly sensitive?: boolean;
}

/** The attribute table: TS name ↔ file key(s) ↔ environment variable(s). */
export const ATTRIBUTES: readonly AttributeSpec[] = Object.freeze([
  { name: "host", file: ["host"], env: ["DATABRICKS_HOST"] },
  { name: "accountId", file: ["account_id"], env: ["DATABRICKS_ACCOUNT_ID"] },
  { name: "workspaceId", file: ["workspace_id"], env: ["DATABRICKS_WORKSPACE_ID"] },
  { name: "token", file: ["token"], env: ["DATABRICKS_TOKEN"], family: "pat", sensitive: true },
  { name: "username", file: ["username"], env: ["DATABRICKS_USERNAME"], family: "basic" },
  { name: "password", file: ["password"], env: ["DATABRICKS_PASSWORD"], family: "basic", sensitive: true },
  { name: "clientId", file: ["client_id"], env: ["DATABRICKS_CLIENT_ID"], family: "oauth" },
  { name: "clientSecret", file: ["client_secret"], env: ["DATABRICKS_CLIENT_SECRET"], family: "oauth", sensitive: true },
  { name: "scopes", file: ["scopes"], env: [] },
  { name: "authType", file: ["auth_type"], env: ["DATABRICKS_AUTH_TYPE"] },
  { name: "databricksCliPath", file: ["databricks_cli_path"], env: ["DATABRICKS_CLI_PATH"] },
  { name: "metadataServiceUrl", file: ["metadata_service_url"], env: ["DATABRICKS_METADATA_SERVICE_URL"], family: "metadata-service", sensitive: true },
  { name: "oidcTokenEnv", file: ["oidc_token_env"], env: ["DATABRICKS_OIDC_TOKEN_ENV"], family: "env-oidc" },
  { name: "oidcTokenFilepath", file: ["databricks_id_token_filepath", "oidc_token_filepath"], env: ["DATABRICKS_OIDC_TOKEN_FILEPATH", "DATABRICKS_OIDC_TOKEN_FILE"], family: "file-oidc" },
  { name: "tokenAudience", file: ["token_audience", "audience"], env: ["DATABRICKS_TOKEN_AUDIENCE"] },
  { name: "discoveryUrl", file: ["discovery_url"], env: ["DATABRICKS_DISCOVERY_URL"] },
  { name: "azureWorkspaceResourceId", file: ["azure_workspace_resource_id"], env: ["DATABRICKS_AZURE_RESOURCE_ID"], family: "azure" },
  { name: "azureUseMsi", file: ["azure_use_msi"], env: ["ARM_USE_MSI"], family: "azure" },
  { name: "azureClientId", file: ["azure_client_id"], env: ["ARM_CLIENT_ID"], family: "azure" },
  { name: "azureClientSecret", file: ["azure_client_secret"], env: ["ARM_CLIENT_SECRET"], family: "azure", sensitive: true },
  { name: "azureTenantId", file: ["azure_tenant_id"], env: ["ARM_TENANT_ID"], family: "azure" },
  { name: "azureEnvironment", file: ["azure_environment"], env: ["ARM_ENVIRONMENT"] },
  { name: "actionsIdTokenRequestUrl", file: ["actions_id_token_request_url"], env: ["ACTIONS_ID_TOKEN_REQUEST_URL"] },
  { name: "actionsIdTokenRequestToken", file: ["actions_id_token_request_token"], env: ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"], sensitive: true },
  { name: "oauthCallbackPort", file: ["oauth_callback_port"], env: ["DATABRICKS_OAUTH_CALLBACK_PORT"] },
  { name: "disableOauthRefreshToken", file: ["disable_oauth_refresh_token"], env: ["DATABRICKS_DISABLE_OAUTH_REFRESH_TOKEN"] },
  { name: "googleServiceAccount", file: ["google_service_account"], env: ["DATABRICKS_GOOGLE_SERVICE_ACCOUNT"], family: "google" },
  { name: "googleCredentials", file: ["google_credentials"], env: ["GOOGLE_CREDENTIALS"], family: "google", sensitive: true },
  { name: "cloud", file: ["cloud"], env: ["DATABRICKS_CLOUD"] },
  // Knobs (docs/auth.md#knobs): the Python SDK's env var for the first; the Go SDK reads the
  // timeouts from files and code only, this SDK also from the two variables named here.
  { name: "disableAsyncTokenRefresh", file: ["disable_async_token_refresh"], env: ["DATABRICKS_DISABLE_ASYNC_TOKEN_REFRESH"] },
  { name: "httpTimeoutSeconds", file: ["http_timeout_seconds"], env: ["DATABRICKS_HTTP_TIMEOUT_SECONDS"] },
  { name: "retryTimeoutSeconds", file: ["retry_timeout_seconds"], env: ["DATABRICKS_RETRY_TIMEOUT_SECONDS"] },
  { name: "debugHeaders", file: ["debug_headers"], env: ["DATABRICKS_DEBUG_HEADERS"] },
  { name: "rateLimit", file: ["rate_limit"], env: ["DATABRICKS_RATE_LIMIT"] },
] satisfies AttributeSpec[]);

/** Inputs of {@link loadDatabricksConfig}: explicit attributes plus where to look. */
export interface DatabricksConfigInput extends DatabricksConfigAttributes {
  /** A `.databrickscfg` profile (`DATABRICKS_CONFIG_PROFILE`). */
  profile?: string;
  /** The config file (`DATABRICKS_CONFIG_FILE`, default `~/.databrickscfg`). */
  configFile?: string;
  /** Environment to read. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory for `~`. Default `os.homedir()`. */
  homeDir?: string;
}

export type AttributeSource = "explicit" | "env" | "file";

/** A resolved configuration. Secret values print as `***` in every string form. */
export interface DatabricksConfig {
  readonly values: Readonly<DatabricksConfigAttributes>;
  /** Where each set attribute came from (an env var name, `explicit`, or `profile P in FILE`). */
  readonly sources: Readonly<Partial<Record<AttributeName, string>>>;
  readonly profile?: string;
  /** The config file that was read, if any. */
  readonly configFile?: string;
  /** Why the config file was not read, if it was not. */
  readonly fileSkipped?: string;
  /** The profile named by code or `DATABRICKS_CONFIG_PROFILE`, if any (vs. a default one). */
  readonly profileNamed: boolean;
}

const FILE_SKIP_ATTRIBUTES: readonly AttributeName[] = [
  "host",
  "azureWorkspaceResourceId",
  ...ATTRIBUTES.filter((a) => a.family).map((a) => a.name),
];

/** Resolve attributes from explicit options, the environment and the config file. */
export function loadDatabricksConfig(input: DatabricksConfigInput = {}): DatabricksConfig {
  const env = input.env ?? process.env;
  const home = input.homeDir ?? homedir();
  const values: DatabricksConfigAttributes = {};
  const sources: Partial<Record<AttributeName, string>> = {};

  for (const spec of ATTRIBUTES) {
    const explicit = input[spec.name];
    if (explicit !== undefined && explicit !== "") {
      values[spec.name] = String(explicit);
      sources[spec.name] = "explicit";
      continue;
    }
    for (const variable of spec.env) {
      const fromEnv = env[variable];
      if (fromEnv !== undefined && fromEnv !== "") {
        values[spec.name] = fromEnv;
        sources[spec.name] = variable;
        break;
      }
    }
  }

  const profile = nonEmpty(input.profile) ?? nonEmpty(env.DATABRICKS_CONFIG_PROFILE);
  const fileNamed = nonEmpty(input.configFile) ?? nonEmpty(env.DATABRICKS_CONFIG_FILE);
  const configFile = expandHome(fileNamed ?? "~/.databrickscfg", home);
  const base = { values, sources, profileNamed: profile !== undefined, ...(profile ? { profile } : {}) };

  const preset = FILE_SKIP_ATTRIBUTES.find((name) => values[name] !== undefined);
  if (profile === undefined && preset !== undefined) {
    return freezeConfig({ ...base, fileSkipped: `no profile named and ${sources[preset]} already sets ${preset}` });
  }

  let text: string;
  try {
    text = readFileSync(configFile, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" && profile === undefined && fileNamed === undefined) {
      return freezeConfig({ ...base, fileSkipped: `${configFile} does not exist` });
    }
    if (code === "ENOENT") {
      throw new AuthConfigError("config", `${configFile} does not exist${profile ? ` (profile ${JSON.stringify(profile)} was requested)` : ""}`);
    }
    throw new AuthConfigError("config", `cannot read ${configFile}: ${code ?? "error"}`, { cause: error });
  }
  const choice = selectProfile(parseDatabricksConfig(text), profile);
  if ("missing" in choice) throw new AuthConfigError("config", `${configFile} has no ${JSON.stringify(choice.missing)} profile`);
  for (const spec of ATTRIBUTES) {
    if (values[spec.name] !== undefined) continue;
    for (const key of spec.file) {
      const v = choice.values[key];
      if (v !== undefined && v !== "") {
        values[spec.name] = v;
        sources[spec.name] = `profile ${choice.profile} in ${configFile}`;
        break;
      }
    }
  }
  return freezeConfig({ ...base, ...(choice.profile ? { profile: choice.profile } : {}), configFile });
}

/** `host` → `https://host` when it has no scheme; path, query and trailing slash dropped (as the SDKs do). */
function canonicalHost(host: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`;
  try {
    return new URL(withScheme).origin;
  } catch {
    return host;
  }
}

/**
 * The auth families that have attributes set (the Go SDK's `auth:` tags: `pat`, `basic`,
 * `oauth`, `azure`, `google`, `metadata-service`, `env-oidc`, `file-oidc`): more than one,
 * without `auth_type`, is ambiguous.
 */
export function configuredFamilies(config: DatabricksConfig): string[] {
  const families = new Set<string>();
  for (const spec of ATTRIBUTES) if (spec.family && config.values[spec.name] !== undefined) families.add(spec.family);
  return [...families].sort();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function expandHome(path: string, home: string): string {
  return path === "~" ? home : path.startsWith("~/") ? join(home, path.slice(2)) : path;
}

const SENSITIVE = new Set<string>(ATTRIBUTES.filter((a) => a.sensitive).map((a) => a.name));

function redactedValues(values: DatabricksConfigAttributes): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, SENSITIVE.has(k) ? REDACTED : String(v)]));
}

function freezeConfig(config: DatabricksConfig): DatabricksConfig {
  const values = { ...config.values };
  const sources = { ...config.sources };
  if (values.host) {
    // Unified hosts (docs/auth.md#unified-hosts): a URL copied from the browser names the workspace
    // (`?o=` / `?workspace_id=` / `?w=`) or the account (`?a=` / `?account_id=`); as in the Go SDK,
    // they fill `workspace_id` / `account_id` when those are not set, before the query is dropped.
    const ids = idsFromHostQuery(values.host);
    for (const key of ["workspaceId", "accountId"] as const) {
      if (ids[key] && values[key] === undefined) {
        values[key] = ids[key];
        sources[key] = `the query of host (${sources.host ?? "explicit"})`;
      }
    }
    values.host = canonicalHost(values.host);
  }
  const shown = () => ({ ...config, values: redactedValues(values) });
  Object.defineProperties(values, {
    toJSON: { value: () => redactedValues(values), enumerable: false },
    [Symbol.for("nodejs.util.inspect.custom")]: { value: () => redactedValues(values), enumerable: false },
  });
  const out = { ...config, values: Object.freeze(values), sources: Object.freeze(sources) };
  Object.defineProperties(out, {
    toJSON: { value: shown, enumerable: false },
    [Symbol.for("nodejs.util.inspect.custom")]: { value: shown, enumerable: false },
  });
  return Object.freeze(out);
}

/** A boolean attribute as the SDKs read one: `1`, `true` or `yes`, any case. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes)$/i.test(value.trim());
}
