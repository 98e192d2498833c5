/**
 * Pools built from the environment alone, as `@databricks/lakebase` and AppKit's `lakebase()`
 * build them inside Databricks Apps: the app's service principal (`DATABRICKS_HOST`,
 * `DATABRICKS_CLIENT_ID`, `DATABRICKS_CLIENT_SECRET`) calls the API, and the database resource's
 * `LAKEBASE_ENDPOINT`, `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGSSLMODE` say where to connect
 * (docs/auth.md#databricks-apps). Kept apart from createPool so that a pool given its client does
 * not carry the OAuth M2M code in its bundle.
 */
import { readFile } from "node:fs/promises";
import { databricksAppsCredentials } from "../auth/apps.js";
import { processEnv } from "../auth/pat.js";
import { createCoreClient } from "../client/core.js";
import type { Lakebase } from "../ops/context.js";
import { LazyLakebasePool } from "./lazy-pool.js";
import { defaultEnv, getPgConfig, type LakebasePgConfig, type PgConfigOptions } from "./pg-config.js";
import { getOrmConfig, type OrmConfig } from "./orm.js";
import type { PoolOptions } from "./pool.js";

/** Options of `createLakebasePool()`: those of `createPool()`, every one optional. */
export interface LakebasePoolOptions extends Partial<PoolOptions> {}


/**
 * The client the pool mints credentials with: the given one, else the app's service principal.
 * Building it makes no request; outside an app the error waits for the first connection.
 */
function appClient(options: LakebasePoolOptions): { client?: Lakebase; error?: unknown } {
  if (options.client) return { client: options.client };
  const env = options.env ?? processEnv();
  try {
    // DATABRICKS_WORKSPACE_ID (injected into every app) routes requests on unified hosts.
    return { client: createCoreClient({ host: env.DATABRICKS_HOST!, auth: databricksAppsCredentials({ env }), workspaceId: env.DATABRICKS_WORKSPACE_ID }) };
  } catch (error) {
    return { error };
  }
}

/**
 * libpq's `PGSSLROOTCERT` (a CA file) when no `ssl` is given: TLS verified against that CA, as
 * `sslmode=verify-full` would, e.g. against the emulator's (`emulator.caCertificatePath`).
 */
async function sslFromEnv(options: LakebasePoolOptions): Promise<PgConfigOptions["ssl"]> {
  if (options.ssl !== undefined) return options.ssl;
  const caFile = (options.env ?? defaultEnv()).PGSSLROOTCERT;
  return caFile ? { rejectUnauthorized: true, ca: await readFile(caFile, "utf8") } : undefined;
}

async function resolveConfig(options: LakebasePoolOptions, made: { client?: Lakebase; error?: unknown }): Promise<LakebasePgConfig> {
  if (!made.client) throw made.error;
  return getPgConfig({ ...options, client: made.client, ssl: await sslFromEnv(options) });
}

/**
 * A pool made synchronously with no arguments inside Databricks Apps (AppKit's
 * `createLakebasePool`): nothing is resolved, requested or connected until the first query, so a
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
 * app's service principal as the default client. Give it to `new pg.Pool(config)` or any tool
 * taking `host`/`port`/`user`/`database`/`password`/`ssl`.
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
