import type pg from "pg";
import type { DatabaseCredentialProvider } from "./credential-provider.js";
import type { LakebasePgConfig } from "./pg-config.js";
import { LakebasePool, type PoolOptions } from "./pool.js";

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

const UNRESOLVED = "(not resolved yet: the pool resolves its endpoint at its first connection)";

/**
 * What `pool.lakebase` holds until the first connection: filled in place once resolved, so the
 * password function pg was given (it asks `credentials`) and the pool's error listener (it reads
 * `endpoint`) see the resolved values without being replaced. Its `credentials` resolve first.
 */
function unresolvedConfig(ready: () => Promise<LakebasePgConfig>): LakebasePgConfig {
  const config = {
    host: "",
    port: 0,
    user: "",
    database: "",
    ssl: false as const,
    endpoint: UNRESOLVED,
    sources: { endpoint: UNRESOLVED, host: UNRESOLVED, port: UNRESOLVED, user: UNRESOLVED, database: UNRESOLVED },
    credentials: {
      getPassword: async (options) => (await ready()).credentials.getPassword(options),
      invalidate() {},
      requests: 0,
    } as DatabaseCredentialProvider,
    password: () => config.credentials.getPassword(),
  };
  return config;
}

/**
 * A LakebasePool made synchronously, for frameworks that build their pool at import time: the
 * endpoint, host, user and credentials are resolved by `resolve` at the first `connect()`/`query()`
 * (or an explicit `ready()`), never before. A failed resolution is retried by the next connection.
 * `createLakebasePool()` makes one; `pool.lakebase` holds placeholders until it is resolved.
 *
 * @example
 * const pool = createLakebasePool(); // a LazyLakebasePool
 * if (pool instanceof LazyLakebasePool) await pool.ready();
 */
export class LazyLakebasePool extends LakebasePool {
  readonly #resolve: () => Promise<LakebasePgConfig>;
  #ready: Promise<LakebasePgConfig> | undefined;

  constructor(resolve: () => Promise<LakebasePgConfig>, options: Pick<PoolOptions, "pool" | "wakeUp" | "client" | "onConnectionError">) {
    super(unresolvedConfig(() => this.ready()), options);
    this.#resolve = resolve;
  }

  /**
   * Resolves the endpoint, host, user and credential source now (once; again after a failure).
   *
   * @example
   * const pool = createLakebasePool(); // at import time: no network
   * const config = await pool.ready(); // at start-up, to fail early on a wrong endpoint
   * console.log(config.endpoint, config.user);
   */
  ready(): Promise<LakebasePgConfig> {
    return (this.#ready ??= this.#resolve().then(
      (resolved) => {
        Object.assign(this.lakebase, resolved, { password: this.lakebase.password });
        // pg-pool builds each new Client from these options: set before the first one.
        Object.assign((this as unknown as { options: pg.PoolConfig }).options, { host: resolved.host, port: resolved.port, user: resolved.user, database: resolved.database, ssl: resolved.ssl });
        return this.lakebase;
      },
      (error: unknown) => {
        this.#ready = undefined;
        throw error;
      },
    ));
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const connecting = this.ready().then(() => super.connect());
    if (!callback) return connecting;
    connecting.then(
      (client) => callback(undefined, client, (release?: unknown) => client.release(release as Error | boolean | undefined)),
      (error: Error) => callback(error, undefined, () => undefined),
    );
  }
}
