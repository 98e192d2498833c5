import pg from "pg";
import { getEndpoint } from "../generated/functions.js";
import { ApiError } from "../ops/errors.js";
import { isMissingRoleError, missingRoleError, wakeUpGaveUpError } from "./connect-errors.js";
import { describeConnection, getPgConfig, type LakebasePgConfig, type PgConfigOptions } from "./pg-config.js";
import { hideConnectionPasswords } from "./redact.js";
import { isAuthenticationError, isWakeUpError, wakeUpDelay, type WakeUpRetryOptions } from "./wake-up.js";

export interface PoolOptions extends PgConfigOptions {
  /** Extra `pg.Pool` options; the defaults are max 10, idleTimeoutMillis 30 000, connectionTimeoutMillis 10 000. */
  readonly pool?: Omit<pg.PoolConfig, "host" | "port" | "user" | "database" | "password" | "ssl">;
  /** Retrying connections while a scaled-to-zero endpoint wakes up. */
  readonly wakeUp?: WakeUpRetryOptions;
  /**
   * Called when an idle connection breaks (the endpoint suspended or restarted: routine with scale
   * to zero). pg has already discarded the connection and the pool keeps working. Default: one
   * `console.warn` line with the error's code and message (never a password).
   */
  readonly onConnectionError?: (event: ConnectionErrorEvent) => void;
}

/** An idle pooled connection failed; the pool dropped it and goes on. */
export interface ConnectionErrorEvent {
  readonly endpoint: string;
  readonly error: Error & { readonly code?: string };
}

function warnConnectionError({ endpoint, error }: ConnectionErrorEvent): void {
  console.warn(`lakebase-sdk: an idle connection to ${endpoint} closed (${error.code ?? error.name}: ${error.message}); the pool discarded it`);
}

const DEFAULTS = { max: 10, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 } as const;

/**
 * A `pg.Pool` for a Lakebase endpoint: every new connection gets a fresh-enough credential
 * (open ones stay open as tokens rotate); connections refused while the endpoint wakes from scale
 * to zero are retried with bounded backoff; a credential Postgres refuses (28P01) is replaced once.
 * An identity without a Postgres role, or retries that ran out, fail with a
 * `PostgresConnectionError` that says what to do (the original error as its `cause`, its `code` kept).
 */
export class LakebasePool extends pg.Pool {
  readonly lakebase: LakebasePgConfig;
  readonly #wakeUp: WakeUpRetryOptions;
  readonly #client: PoolOptions["client"];

  constructor(config: LakebasePgConfig, options: Pick<PoolOptions, "pool" | "wakeUp" | "client" | "onConnectionError">) {
    super({ ...DEFAULTS, ...options.pool, host: config.host, port: config.port, user: config.user, database: config.database, password: config.password, ssl: config.ssl });
    this.lakebase = config;
    this.#wakeUp = options.wakeUp ?? {};
    this.#client = options.client;
    hideConnectionPasswords(this);
    // pg-pool emits 'error' for an idle client that breaks; with no listener, Node's EventEmitter
    // turns that into an uncaught exception and the process exits. pg has already removed the client.
    const onConnectionError = options.onConnectionError ?? warnConnectionError;
    this.on("error", (error: Error) => {
      try {
        onConnectionError({ endpoint: config.endpoint, error });
      } catch {
        // a logging hook must not take the pool down
      }
    });
  }

  // pg-pool's query() goes through connect(cb), so both paths get the retries.
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    const connecting = this.#connectWithRetry();
    if (!callback) return connecting;
    connecting.then(
      (client) => callback(undefined, client, (release?: unknown) => client.release(release as Error | boolean | undefined)),
      (error: Error) => callback(error, undefined, () => undefined),
    );
  }

  async #connectWithRetry(): Promise<pg.PoolClient> {
    const maxWaitMs = this.#wakeUp.maxWaitMs ?? 30_000;
    const start = Date.now();
    let replacedCredential = false;
    let checkedEndpoint = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await super.connect();
      } catch (error) {
        // Final, and the usual first-deployment mistake: the identity was never given a role.
        if (isMissingRoleError(error)) throw missingRoleError(error, this.lakebase);
        if (isAuthenticationError(error)) {
          if (!replacedCredential) {
            // The cached credential may have been revoked or expired early: mint a new one once.
            replacedCredential = true;
            this.lakebase.credentials.invalidate();
            continue;
          }
          // Say where each value came from: a user taken from the wrong place is the usual cause.
          (error as Error).message += ` — connecting as ${describeConnection(this.lakebase)}`;
          throw error;
        }
        if (!isWakeUpError(error)) throw error;
        if (!checkedEndpoint) {
          checkedEndpoint = true;
          await this.#failIfEndpointCannotWake(error);
        }
        const delay = wakeUpDelay(attempt, this.#wakeUp);
        if (Date.now() - start + delay > maxWaitMs) throw wakeUpGaveUpError(error, this.lakebase, attempt + 1, Date.now() - start);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** A disabled endpoint never wakes by itself: say so instead of retrying for 30 s. */
  async #failIfEndpointCannotWake(cause: unknown): Promise<void> {
    let endpoint;
    try {
      endpoint = await getEndpoint(this.#client, this.lakebase.endpoint);
    } catch (error) {
      if (error instanceof ApiError && error.isMissing) throw error;
      return; // the API being unreachable says nothing about the endpoint: keep retrying
    }
    if (endpoint.status?.disabled) {
      throw new Error(`${this.lakebase.endpoint} is disabled: it refuses connections until spec.disabled is false`, { cause });
    }
  }
}

/**
 * Where `createPool()` without a client finds the zero-argument form: the package's own
 * `lakebase-sdk/postgres` (its `createLakebasePool`), loaded at run time by a name bundlers leave
 * alone, so that a pool given its client carries none of the OAuth M2M and credential-chain code
 * that form needs.
 */
const APPS_MODULE = "lakebase-sdk/postgres";

/**
 * Resolves the endpoint and returns a ready `pg.Pool` (a LakebasePool). Without a `client`: inside
 * Databricks Apps the app's service principal and the injected `LAKEBASE_ENDPOINT`/`PG*`
 * variables; elsewhere the default credential chain (`DATABRICKS_HOST` + a token, a
 * `~/.databrickscfg` profile, …) and `LAKEBASE_ENDPOINT` (`createLakebasePool()` is the synchronous
 * form, and the one to use in a bundle without `node_modules`).
 *
 * @example
 * const pool = await createPool({ client: createCoreClient({ host, auth }), project: "my-app" });
 * const inApp = await createPool(); // inside Databricks Apps, or locally with a profile + LAKEBASE_ENDPOINT
 * const { rows } = await pool.query("select now()");
 */
export async function createPool(options: Omit<PoolOptions, "client"> & { readonly client?: PoolOptions["client"] } = {}): Promise<LakebasePool> {
  if (!options.client) {
    const apps: typeof import("./apps-pool.js") = await import(/* @vite-ignore */ /* webpackIgnore: true */ APPS_MODULE);
    const pool = apps.createLakebasePool(options);
    await pool.ready().catch(async (error: unknown) => {
      await pool.end();
      throw error;
    });
    return pool;
  }
  const config = await getPgConfig(options as PoolOptions);
  return new LakebasePool(config, options as PoolOptions);
}
