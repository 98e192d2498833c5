/**
 * Pools built from the environment alone, as `@databricks/lakebase` and AppKit's `lakebase()`
 * build them. Inside Databricks Apps the app's service principal (`DATABRICKS_HOST`,
 * `DATABRICKS_CLIENT_ID`, `DATABRICKS_CLIENT_SECRET`) calls the API, and the database resource's
 * `LAKEBASE_ENDPOINT`, `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGSSLMODE` say where to connect
 * (docs/auth.md#databricks-apps). Elsewhere, as AppKit's `new WorkspaceClient({})`, the default
 * credential chain (docs/auth.md#default-chain): `DATABRICKS_HOST` with a token, a `~/.databrickscfg`
 * profile, the CLI, …. Kept apart from createPool so that a pool given its client carries none of
 * this code in its bundle.
 */
import { readFile } from "node:fs/promises";
import { databricksAppsCredentials } from "../auth/apps.js";
import { defaultCredentials } from "../auth/default-credentials.js";
import { CredentialUnavailableError, NoCredentialsError } from "../auth/errors.js";
import { processEnv } from "../auth/pat.js";
import { createCoreClient } from "../client/core.js";
import type { Lakebase } from "../ops/context.js";
import { ValidationError } from "../ops/errors.js";
import { LazyLakebasePool } from "./lazy-pool.js";
import { defaultEnv, getPgConfig, type LakebasePgConfig, type PgConfigOptions } from "./pg-config.js";
import { getOrmConfig, type OrmConfig } from "./orm.js";
import type { PoolOptions } from "./pool.js";

/** Options of `createLakebasePool()`: those of `createPool()`, every one optional. */
export interface LakebasePoolOptions extends Partial<PoolOptions> {}

/** The client the pool calls the API with, or why there is none; `notInApps` when it is the default chain's. */
interface MadeClient {
  readonly client?: Lakebase;
  readonly error?: unknown;
  readonly notInApps?: CredentialUnavailableError;
}

/** Neither way found a credential: name both, and the way around them. */
function noCredentialsError(notInApps: CredentialUnavailableError, chain: string, cause?: unknown): CredentialUnavailableError {
  return new CredentialUnavailableError(
    "lakebase-sdk/postgres",
    `no Databricks credentials: ${notInApps.reason}, and the default credential chain ${chain}. ` +
      "Run inside Databricks Apps, or set DATABRICKS_HOST with a credential (DATABRICKS_TOKEN, DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET, …) " +
      "or use a ~/.databrickscfg profile (DATABRICKS_CONFIG_PROFILE), or pass { client }",
    { cause: cause ?? notInApps },
  );
}

/**
 * The client the pool mints credentials with: the given one, else the app's service principal,
 * else the default credential chain. Building it makes no request; without any, the error waits
 * for the first connection.
 */
function appClient(options: LakebasePoolOptions): MadeClient {
  if (options.client) return { client: options.client };
  const env = options.env ?? processEnv();
  // DATABRICKS_WORKSPACE_ID (injected into every app) routes requests on unified hosts.
  const workspaceId = env.DATABRICKS_WORKSPACE_ID;
  let notInApps: CredentialUnavailableError;
  try {
    // First: inside an app its service principal must win over anything else the environment holds.
    return { client: createCoreClient({ host: env.DATABRICKS_HOST!, auth: databricksAppsCredentials({ env }), workspaceId }) };
  } catch (error) {
    if (!(error instanceof CredentialUnavailableError)) return { error };
    notInApps = error;
  }
  try {
    // The chain reads `~/.databrickscfg` from the home the given environment names.
    const auth = defaultCredentials({ env, ...(env.HOME ? { homeDir: env.HOME } : {}) });
    if (!auth.host) return { error: noCredentialsError(notInApps, "has no host (DATABRICKS_HOST, or `host` in a ~/.databrickscfg profile)") };
    return { client: createCoreClient({ host: auth.host, auth, workspaceId }), notInApps };
  } catch (error) {
    return { error }; // a profile or setup that is wrong (AuthConfigError): its own words say what
  }
}

/**
 * libpq's `PGSSLROOTCERT` (a CA file) when no `ssl` is given: TLS verified against that CA, as
 * `sslmode=verify-full` would, e.g. against the emulator's (`emulator.caCertificatePath`).
 */
async function sslFromEnv(options: LakebasePoolOptions): Promise<PgConfigOptions["ssl"]> {
  if (options.ssl !== undefined) return options.ssl;
  const caFile = (options.env ?? defaultEnv()).PGSSLROOTCERT;
  if (!caFile) return undefined;
  try {
    return { rejectUnauthorized: true, ca: await readFile(caFile, "utf8") };
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable";
    throw Object.assign(new ValidationError("PGSSLROOTCERT", `names ${caFile}, which cannot be read (${code}): it must be the CA certificate file to verify TLS against`), { cause: error });
  }
}

async function resolveConfig(options: LakebasePoolOptions, made: MadeClient): Promise<LakebasePgConfig> {
  if (!made.client) throw made.error;
  try {
    return await getPgConfig({ ...options, client: made.client, ssl: await sslFromEnv(options) });
  } catch (error) {
    // The chain picks its credential at the first request: a host with no credential fails here.
    if (made.notInApps && error instanceof NoCredentialsError) throw noCredentialsError(made.notInApps, "found none (see cause)", error);
    throw error;
  }
}

/**
 * A pool made synchronously with no arguments (AppKit's `createLakebasePool`): inside Databricks
 * Apps as the app's service principal, elsewhere with the default credential chain (a profile,
 * `DATABRICKS_HOST` + `DATABRICKS_TOKEN`, …); `LAKEBASE_ENDPOINT` (or `endpoint`, `project`) says
 * which endpoint. Nothing is resolved, requested or connected until the first query, so a
 * module can create it at import time. Everything `createPool` takes can still be given.
 *
 * @example
 * // db.ts, imported by the app's routes
 * import { createLakebasePool } from "lakebase-sdk/postgres";
 * export const pool = createLakebasePool();
 * // later, in a handler
 * const { rows } = await pool.query("select now()");
 */
export function createLakebasePool(options: LakebasePoolOptions = {}): LazyLakebasePool {
  const made = appClient(options);
  return new LazyLakebasePool(() => resolveConfig(options, made), { ...options, client: made.client! });
}

/**
 * The resolved `pg` config (AppKit's `getLakebasePgConfig`): `createPool`'s resolution with the
 * app's service principal, else the default credential chain, as the default client. Give it to
 * `new pg.Pool(config)` or any tool taking `host`/`port`/`user`/`database`/`password`/`ssl`.
 *
 * @example
 * const config = await getLakebasePgConfig();
 * const pool = new pg.Pool({ ...config, max: 5 });
 */
export async function getLakebasePgConfig(options: Omit<LakebasePoolOptions, "pool" | "wakeUp" | "onConnectionError"> = {}): Promise<LakebasePgConfig> {
  return resolveConfig(options, appClient(options));
}

/**
 * ORM and tool configs (AppKit's `getLakebaseOrmConfig`) on a `createLakebasePool` pool, resolved
 * first so that the flat configs carry the real host and user.
 *
 * @example
 * const orm = await getLakebaseOrmConfig();
 * const db = drizzle({ client: orm.pool });
 */
export async function getLakebaseOrmConfig(options: LakebasePoolOptions = {}): Promise<OrmConfig> {
  const pool = createLakebasePool(options);
  try {
    await pool.ready();
  } catch (error) {
    await pool.end();
    throw error;
  }
  return getOrmConfig(pool);
}
