/**
 * The contract of a Postgres engine behind the emulator (system PostgreSQL or PGlite) and of the
 * endpoint listeners it opens; the engines implement it, index.ts picks one, and by-version.ts
 * routes each branch to the engine of its project's Postgres major.
 */

export type EngineKind = "pglite" | "system";

export interface PostgresBackendOptions {
  /** "auto" (default): a system PostgreSQL if found (PG_BIN env, or /usr/lib/postgresql/*\/bin, or initdb on PATH), else PGlite. */
  engine?: "auto" | EngineKind;
  /** Directory for binaries, for engine "system". */
  pgBin?: string;
  log?: (message: string) => void;
  /** The endpoints' TLS identity: given, every endpoint answers SSLRequest with `S` and serves TLS (plaintext stays accepted). */
  tls?: EndpointTls;
  /**
   * Keep every branch's data here across restarts (the emulator's `<data dir>/engines`): each engine
   * uses `<dataDir>/<engine>-<major>/`, close() keeps it, and `restoreBranch` serves a branch again.
   * Without it, everything lives in temp directories deleted by close().
   */
  dataDir?: string;
}

/** A TLS server identity: PEM private key and certificate (chain). */
export interface EndpointTls {
  readonly key: string;
  readonly cert: string;
}

/** What a new root branch asks of its backend. */
export interface CreateBranchOptions {
  /** The Postgres major its project asks for (`spec.pg_version`): a routing backend picks the engine by it; a single engine ignores it. */
  readonly pgMajor?: number;
  /** The project's name, for the log line a routing backend writes when it substitutes another major. */
  readonly project?: string;
}

/** Where a project asking a Postgres major runs (a routing backend's answer, see by-version.ts). */
export interface VersionPlan {
  /** The major asked (`spec.pg_version`). */
  readonly asked: number;
  /** The engine that runs it, and its major (the asked one unless substituted). */
  readonly engine: EngineKind;
  readonly pgMajor: number;
  /** Set when `pgMajor` differs from `asked`: one sentence naming both and what to install (ASCII, for an HTTP `Warning` header). */
  readonly substitution?: string;
  /** Set instead of a substitution when versions are strict: why the project cannot be created and what to install. */
  readonly refusal?: string;
}

export interface PostgresBackend {
  /** The engine (for a routing backend: the one that serves the default `pg_version`, 17). */
  readonly engine: EngineKind;
  /** A new, empty branch with the default database `databricks_postgres`. */
  createBranch(branchId: string, options?: CreateBranchOptions): Promise<void>;
  /** Routing backends only: where a project asking `pgMajor` would run. Pure (no start, no log). */
  planVersion?(pgMajor: number): VersionPlan;
  /** Copy-on-write fork: the child starts with the parent's committed data at this moment (all its databases), then diverges. */
  forkBranch(parentId: string, childId: string): Promise<void>;
  dropBranch(branchId: string): Promise<void>;
  /** Engines given a data directory: serve again a branch an earlier run left there (its data as they were at that run's stop). */
  restoreBranch?(branchId: string): Promise<void>;
  /** Lakebase databases inside a branch (system engine: real databases; pglite: one shared database — see Limits). */
  createDatabase(branchId: string, name: string, owner?: string): Promise<void>;
  dropDatabase(branchId: string, name: string): Promise<void>;
  renameDatabase(branchId: string, from: string, to: string): Promise<void>;
  /** Postgres roles that identities log in as: CREATE ROLE … LOGIN plus attributes, on both engines. */
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
  /** The port to listen on when free (an endpoint restored from a data directory keeps its port); else, or when 0, any free port. */
  port?: number;
}

export interface EndpointListener {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** Scale to zero: close open connections; the next connection attempts are refused (SQLSTATE 57P03 "the database system is starting up") for wakeUpMs, then served. */
  suspend(): void;
  readonly suspended: boolean;
  /** Since when no client connection has been open (epoch ms), or undefined while one is: drives scale to zero. */
  readonly idleSince: number | undefined;
  /** spec.disabled: suspended, and connection attempts are refused (57P03) without waking until re-enabled. */
  setDisabled(disabled: boolean): void;
  /** Fault injection: close every open client connection abruptly. */
  dropConnections(): void;
  /** Client connections open now (the dashboard shows them); absent on listeners that do not count. */
  readonly openConnections?: number;
  /** Suspended and waking up: a connection attempt started the wake-up clock. */
  readonly waking?: boolean;
  close(): Promise<void>;
}
