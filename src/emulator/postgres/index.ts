/**
 * # The emulator's Postgres layer
 *
 * Serves real PostgreSQL for the local Lakebase emulator: branches (copy-on-write forks), the
 * Lakebase databases and roles inside them, and endpoints (loopback `host:port` listeners speaking
 * the Postgres wire protocol behind a token-checking proxy). Node-only; reached through
 * `lakebase-sdk/emulator`, never the core entry. Needs the optional peer dependencies `pg`, and for
 * the PGlite engine `@electric-sql/pglite@0.5.14` + `@electric-sql/pglite-socket@0.2.17` (pinned
 * together: pglite-socket names pglite's exact version).
 *
 * ## Engines (`startPostgresBackend({ engine })`)
 * - `"auto"` (default): `"system"` when PostgreSQL binaries are found and runnable (the `pgBin`
 *   option, `PG_BIN`, `/usr/lib/postgresql/<newest>/bin`, or `initdb` on `PATH`; `initdb`,
 *   `postgres` and `pg_basebackup` must be there), otherwise `"pglite"`. A system engine that
 *   fails to initialise also falls back to PGlite (logged).
 * - `"system"`: **one small cluster per branch**, all under one `mkdtemp` directory, each listening
 *   only on a unix socket in its own 0700 directory (`listen_addresses=''`; pg_hba: local trust,
 *   TCP reject), with `fsync`, `synchronous_commit` and `full_page_writes` off and
 *   `shared_buffers=16MB`. `initdb --no-sync` runs once at start-up; `createBranch` copies that
 *   pristine data directory, starts it and creates `databricks_postgres`; `forkBranch` runs
 *   `pg_basebackup` against the parent's *live* cluster (a consistent snapshot of committed data,
 *   every database and role included) and starts the copy.
 *   Why not one database per branch (`CREATE DATABASE … TEMPLATE`): that needs every session on the
 *   parent terminated first (an open `pg.Pool` on production would see its idle clients die on every
 *   branch creation), roles are cluster-global, and clients would see internal database names in
 *   `current_database()`. With a cluster per branch, Lakebase database names are the real names (no
 *   rewrite), roles are per branch, and the server itself answers 3D000 for unknown databases.
 *   Cost: about 30–40 MiB and 5 processes per branch.
 *   As root (initdb/postgres refuse it), every tool and server runs as the `postgres` user (or
 *   `nobody`); the temp directory is chowned to it.
 * - `"pglite"`: PGlite in **one child process** (`pglite-worker.mjs`, forked) so queries never block
 *   this event loop; one in-memory instance per branch (`shared_buffers=8MB`), each with a
 *   pglite-socket server on a private unix socket (loopback TCP on Windows). `initdb` runs once per
 *   process (in the background from start-up) and its data directory is kept as the empty-cluster
 *   template; `forkBranch` is `dumpDataDir()` → `new PGlite({ loadDataDir })`.
 *
 * ## Endpoints (the proxy, both engines)
 * - Listens on `127.0.0.1`, port chosen by the OS. Never beyond loopback.
 * - SSLRequest and GSSENCRequest → `N`: **clients must use `ssl: false` (sslmode=disable)**.
 * - Asks for a cleartext password and calls `authenticate(user, password, database)`. A missing,
 *   empty, wrong, expired or foreign token → `FATAL 28P01 password authentication failed for user "<user>"`.
 * - Then the database: system engine — passed through, the branch's server answers
 *   `FATAL 3D000 database "x" does not exist`; pglite — the proxy checks the branch's Lakebase
 *   databases (plus `postgres`) and answers 3D000 itself.
 * - Upstream, the proxy logs in as the **`postgres` superuser whatever the client's user** (the
 *   server trusts its private socket). So `current_user`/`session_user` read `postgres`, and objects
 *   created over an endpoint are owned by `postgres`. Lakebase roles exist (NOLOGIN) for
 *   GRANTs and ownership set explicitly, not as login identities.
 * - CancelRequest is forwarded to the branch's server (system: works; PGlite ignores it).
 * - `suspend()`: open connections get `FATAL 57P01` (when between messages) and are closed; the
 *   first connection attempt afterwards starts the wake-up clock; every attempt until `wakeUpMs`
 *   (default 1000) has elapsed gets `FATAL 57P03 the database system is starting up`; then
 *   `suspended` reads false and connections are served. (Checked before the password, like a
 *   starting server.)
 * - `dropConnections()`: every client socket is reset (and its upstream session closed).
 *
 * ## Lifecycle
 * `close()` closes the listeners, stops every server / the worker and deletes the temp directory;
 * idempotent. If the process ends without it — `process.exit()`, an uncaught exception, SIGINT,
 * SIGTERM, SIGHUP — an `exit`/signal hook kills the children and deletes the files. The system
 * engine also runs a tiny `sh` watchdog (detached) that stops the clusters and deletes the
 * directory if this process is SIGKILLed; the PGlite worker exits when its IPC channel closes.
 * Neither engine keeps the process alive by itself once idle (listeners do, like any server).
 *
 * ## Limits
 * - PGlite: all connections of a branch share **one backend session** (pglite-socket multiplexes):
 *   `SET`, temp tables and named prepared statements leak between connections; a connection idle
 *   inside a transaction blocks the branch's other connections until it commits; no
 *   `statement_timeout`, no query cancel, no LISTEN/NOTIFY across connections. At most 16 client
 *   connections per branch (more → `FATAL 53300 sorry, too many clients already`). One database per
 *   branch: Lakebase databases are names that all reach it (`current_database()` is `postgres`);
 *   `dropDatabase` forgets the name but not the tables. Roles are created in the catalog for
 *   fidelity only. One worker hosts every branch, so a slow query stalls the other branches (not
 *   the emulator). Memory: about 0.7 GiB for the worker's first instance, about 80 MiB per extra branch.
 * - System: database DROP/RENAME terminate that database's sessions first (like `WITH (FORCE)`);
 *   `postgres`, `template0`, `template1` are reserved. `createDatabase` with an owner role that does
 *   not exist creates the database owned by `postgres` (logged). `dropRole` on a role that owns
 *   objects reassigns them to `postgres` in every database first.
 * - Both: the data are scratch (durability off) and live only as long as the backend.
 *
 * ## Build note
 * `pglite-worker.mjs` is plain JavaScript, shipped as is: `tsup.config.ts` copies it into `dist/`
 * (onSuccess), where `pgliteWorkerPath()` finds it next to the bundle (or one directory up).
 */
import { PgliteBackend } from "./pglite.js";
import { detectSystemPostgres, SystemBackend } from "./system.js";

export type EngineKind = "pglite" | "system";

export interface PostgresBackendOptions {
  /** "auto" (default): a system PostgreSQL if found (PG_BIN env, or /usr/lib/postgresql/*\/bin, or initdb on PATH), else PGlite. */
  engine?: "auto" | EngineKind;
  /** Directory for binaries, for engine "system". */
  pgBin?: string;
  log?: (message: string) => void;
}

export interface PostgresBackend {
  readonly engine: EngineKind;
  /** A new, empty branch with the default database `databricks_postgres`. */
  createBranch(branchId: string): Promise<void>;
  /** Copy-on-write fork: the child starts with the parent's committed data at this moment (all its databases), then diverges. */
  forkBranch(parentId: string, childId: string): Promise<void>;
  dropBranch(branchId: string): Promise<void>;
  /** Lakebase databases inside a branch (system engine: real databases; pglite: one shared database — see Limits). */
  createDatabase(branchId: string, name: string, owner?: string): Promise<void>;
  dropDatabase(branchId: string, name: string): Promise<void>;
  renameDatabase(branchId: string, from: string, to: string): Promise<void>;
  /** Postgres roles (system engine: CREATE ROLE … NOLOGIN plus attributes; pglite: catalog only, best effort). */
  createRole(branchId: string, name: string, attributes?: { createdb?: boolean; createrole?: boolean; bypassrls?: boolean }): Promise<void>;
  dropRole(branchId: string, name: string): Promise<void>;
  /** Runs SQL as superuser in a branch database (for tests / demo seeding). */
  query(branchId: string, database: string, sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** A loopback listener speaking the Postgres wire protocol for this branch, behind the token-checking proxy. */
  openEndpoint(branchId: string, options: EndpointOptions): Promise<EndpointListener>;
  /** Stops every child process and removes every temp directory. Idempotent. */
  close(): Promise<void>;
  /** Diagnostics (tests): the backend's private temp directory. */
  readonly tempDir: string;
  /** Diagnostics (tests): pids of the child processes currently running. */
  processes(): number[];
}

export interface EndpointOptions {
  /** Checks the password (a Lakebase credential token) presented for (user, database). Return true to admit. */
  authenticate(user: string, password: string, database: string): boolean | Promise<boolean>;
  /** How long a suspended endpoint refuses connections after the first attempt wakes it (default 1000 ms). */
  wakeUpMs?: number;
}

export interface EndpointListener {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** Scale to zero: close open connections; the next connection attempts are refused (SQLSTATE 57P03 "the database system is starting up") for wakeUpMs, then served. */
  suspend(): void;
  readonly suspended: boolean;
  /** Fault injection: close every open client connection abruptly. */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startPostgresBackend(options: PostgresBackendOptions = {}): Promise<PostgresBackend> {
  const log = options.log ?? (() => {});
  const engine = options.engine ?? "auto";
  if (engine !== "pglite") {
    const found = await detectSystemPostgres(options.pgBin);
    if ("error" in found) {
      if (engine === "system") throw new Error(`system PostgreSQL unavailable: ${found.error}`);
      log(`no usable system PostgreSQL (${found.error}); using PGlite`);
    } else {
      try {
        return await SystemBackend.start(found, log);
      } catch (error) {
        if (engine === "system") throw error;
        log(`system PostgreSQL failed to start (${String(error)}); using PGlite`);
      }
    }
  }
  return PgliteBackend.start(log);
}
