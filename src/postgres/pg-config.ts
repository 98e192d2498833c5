import { currentUser } from "../client/current-user.js";
import { getEndpoint, getProject, listEndpoints } from "../generated/functions.js";
import type { Endpoint } from "../generated/models.js";
import type { Lakebase } from "../ops/context.js";
import { ValidationError } from "../ops/errors.js";
import { databaseCredentialProvider, type DatabaseCredentialOptions, type DatabaseCredentialProvider } from "./credential-provider.js";
import { staticPassword } from "./static-password.js";

export interface PgConfigOptions extends Pick<DatabaseCredentialOptions, "claims" | "groupName" | "mintTimeoutMs"> {
  /**
   * Any client: `createCoreClient()` (the generated functions this calls are all a bundle gets)
   * or `createLakebaseClient()`.
   */
  readonly client: Lakebase;
  /** The endpoint to connect to (`projects/p/branches/b/endpoints/e`). Default: `LAKEBASE_ENDPOINT`, else resolved from `project`/`branch`. */
  readonly endpoint?: string;
  /** A project (name or id): its default branch's read-write endpoint is used unless `branch` is given. */
  readonly project?: string;
  /** A branch (name, or id within `project`): its read-write endpoint is used. */
  readonly branch?: string;
  /** Postgres database (default: `PGDATABASE` inside Databricks Apps, else `databricks_postgres`). */
  readonly database?: string;
  /**
   * Postgres user (default: `groupName` when given, else `PGUSER` inside Databricks Apps, else the
   * caller: a user's email or a service principal's application id).
   */
  readonly user?: string;
  /**
   * A native Postgres password (projects with `enable_pg_native_login`, a role with
   * `auth_method: PG_PASSWORD_SCRAM_SHA_256`): used as is, no database credential is minted.
   * Give `user` with it (the role the password belongs to).
   */
  readonly password?: string;
  /** Lifetime of each database credential (default "3600s"). */
  readonly ttl?: `${number}s`;
  /** Refresh a credential this long before it expires (default 2 minutes, at most half its lifetime). */
  readonly refreshMarginMs?: number;
  /** Clock for the credential cache (tests). */
  readonly now?: () => number;
  /**
   * Override TLS (a custom `ca`). Default: verified TLS for real hosts; off for loopback hosts,
   * whose CA nothing here can know. The emulator's endpoints serve TLS from a CA made at its start:
   * pass `{ rejectUnauthorized: true, ca: emulator.caCertificate }` to verify it as in production.
   * `false` is refused for non-loopback hosts.
   */
  readonly ssl?: false | { readonly rejectUnauthorized: true; readonly ca?: string };
  /**
   * Environment to read Databricks Apps' injected `PG*` / `LAKEBASE_ENDPOINT` values from. Given,
   * it is read as it is. Not given, `process.env` is read only inside Databricks Apps (where
   * `DATABRICKS_APP_NAME` is set): a developer's shell with `PGUSER=alice` says nothing about Lakebase.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A `pg` connection config whose password is minted per new connection. */
export interface LakebasePgConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Called by `pg` for every new connection: a fresh-enough credential; open connections stay open. */
  readonly password: () => Promise<string>;
  readonly ssl: false | { readonly rejectUnauthorized: true; readonly ca?: string; readonly servername?: string };
  /** The endpoint resource name the config connects to. */
  readonly endpoint: string;
  /** The credential cache behind `password` (shared by every connection of this config). */
  readonly credentials: DatabaseCredentialProvider;
  /** Where each value came from (`option`, `PGUSER`, `endpoint status`, `current user`, `default`, …), for error messages. */
  readonly sources: { readonly endpoint: string; readonly host: string; readonly port: string; readonly user: string; readonly database: string };
}

/** "user alice (from PGUSER), database d (default), host h:5432 (from endpoint status)": what a connection error should say. */
export function describeConnection(config: Pick<LakebasePgConfig, "user" | "database" | "host" | "port" | "endpoint" | "sources">): string {
  const { sources } = config;
  return `user ${config.user} (from ${sources.user}), database ${config.database} (from ${sources.database}), host ${config.host}:${config.port} (from ${sources.host}), endpoint ${config.endpoint} (from ${sources.endpoint})`;
}

const DEFAULT_DATABASE = "databricks_postgres";
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

function processEnv(): Readonly<Record<string, string | undefined>> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/**
 * The environment to take `PG*` values from: all of it inside Databricks Apps (they inject
 * `DATABRICKS_APP_NAME` into every app); elsewhere only `LAKEBASE_ENDPOINT`, which names nothing
 * but a Lakebase endpoint.
 */
export function defaultEnv(): Readonly<Record<string, string | undefined>> {
  const env = processEnv();
  return env.DATABRICKS_APP_NAME ? env : { LAKEBASE_ENDPOINT: env.LAKEBASE_ENDPOINT };
}

async function resolveEndpointName(options: PgConfigOptions, env: PgConfigOptions["env"] & object): Promise<{ name: string; source: string }> {
  if (options.endpoint) return { name: options.endpoint, source: "option endpoint" };
  if (!options.project && !options.branch && env.LAKEBASE_ENDPOINT) return { name: env.LAKEBASE_ENDPOINT, source: "LAKEBASE_ENDPOINT" };
  if (!options.project && !options.branch?.startsWith("projects/")) {
    throw new ValidationError("endpoint", "is required: pass endpoint, or project (and branch), or set LAKEBASE_ENDPOINT");
  }
  let branch: string;
  if (options.branch?.startsWith("projects/")) branch = options.branch;
  else {
    const project = options.project!.startsWith("projects/") ? options.project! : `projects/${options.project}`;
    if (options.branch) branch = `${project}/branches/${options.branch}`;
    else {
      const found = await getProject(options.client, project);
      branch = found.status?.default_branch ?? `${project}/branches/production`;
    }
  }
  for await (const endpoint of listEndpoints(options.client, branch)) {
    if (endpoint.status?.endpoint_type === "ENDPOINT_TYPE_READ_WRITE" && endpoint.name) return { name: endpoint.name, source: `the read-write endpoint of ${branch}` };
  }
  throw new ValidationError("branch", `${branch} has no read-write endpoint`);
}

function splitHost(host: string): { host: string; port?: number } {
  const match = /^(.*):(\d+)$/.exec(host);
  return match ? { host: match[1]!, port: Number(match[2]) } : { host };
}

/**
 * TLS is verified for every real host. For loopback it is what `ssl` says: verified against the
 * given `ca` (the emulator's, from `emulator.caCertificate`), else off, since no CA for a local
 * endpoint is known and a public one can never vouch for 127.0.0.1. PGSSLMODE=require on loopback
 * without a CA stays off too: this SDK never runs TLS it does not verify.
 * The password is an OAuth token, so nothing — not PGSSLMODE=disable — may send it in clear to a real host.
 */
function sslFor(host: string, options: PgConfigOptions, env: Readonly<Record<string, string | undefined>>): LakebasePgConfig["ssl"] {
  const loopback = LOOPBACK.test(host);
  if (options.ssl) {
    // The type says `rejectUnauthorized: true`; plain JavaScript can still pass false.
    if ((options.ssl as { rejectUnauthorized?: unknown }).rejectUnauthorized !== true) {
      throw new ValidationError("ssl.rejectUnauthorized", "must be true: this SDK never runs TLS it does not verify (pass the server's CA as ssl.ca instead)");
    }
    return options.ssl; // verified TLS, asked for in code: no environment turns it off
  }
  if (options.ssl === false || ["disable", "allow", "prefer"].includes(env.PGSSLMODE ?? "")) {
    if (!loopback) {
      throw new ValidationError(
        options.ssl === false ? "ssl" : "PGSSLMODE",
        `TLS cannot be turned off for ${host}: the password is an OAuth token (allowed only for loopback hosts)`,
      );
    }
    return false;
  }
  return loopback ? false : { rejectUnauthorized: true, servername: host };
}

/**
 * Everything `pg` needs to connect to a Lakebase endpoint: host and port (from the endpoint, or
 * the `PGHOST`/`PGPORT` that Databricks Apps inject), user, database, verified TLS, and a
 * password function that mints rotating credentials.
 */
export async function getPgConfig(options: PgConfigOptions): Promise<LakebasePgConfig> {
  const env = options.env ?? defaultEnv();
  const { name: endpointName, source: endpointSource } = await resolveEndpointName(options, env);
  // PGHOST (injected by Databricks Apps) describes LAKEBASE_ENDPOINT only: never another endpoint.
  let hostPort = env.PGHOST && env.LAKEBASE_ENDPOINT && endpointName === env.LAKEBASE_ENDPOINT ? env.PGHOST : undefined;
  const hostSource = hostPort ? "PGHOST" : "endpoint status";
  if (!hostPort) {
    const endpoint: Endpoint = await getEndpoint(options.client, endpointName);
    hostPort = endpoint.status?.hosts?.host;
    if (!hostPort) {
      throw new ValidationError("endpoint", `${endpointName} (from ${endpointSource}) has no host yet (current_state ${endpoint.status?.current_state ?? "unknown"})`);
    }
  }
  const { host, port } = splitHost(hostPort);
  const [user, userSource] = options.user
    ? [options.user, "option user"]
    : options.groupName
      ? [options.groupName, "option groupName"]
      : env.PGUSER
      ? [env.PGUSER, "PGUSER"]
      : [(await currentUser(options.client)).userName, "the caller's identity (SCIM Me)"];
  if (!user) throw new ValidationError("user", "could not be resolved: the workspace returned no userName for the caller; pass user");
  const [database, databaseSource] = options.database
    ? [options.database, "option database"]
    : env.PGDATABASE
      ? [env.PGDATABASE, "PGDATABASE"]
      : [DEFAULT_DATABASE, "default"];
  const credentials = options.password ? staticPassword(options.password) : databaseCredentialProvider({ ...options, endpoint: endpointName });
  return {
    host,
    port: port ?? (env.PGPORT ? Number(env.PGPORT) : 5432),
    user,
    database,
    password: () => credentials.getPassword(),
    ssl: sslFor(host, options, env),
    endpoint: endpointName,
    credentials,
    sources: {
      endpoint: endpointSource,
      host: hostSource,
      port: port !== undefined ? hostSource : env.PGPORT ? "PGPORT" : "default",
      user: userSource,
      database: databaseSource,
    },
  };
}
