/**
 * # The emulator's Postgres layer
 *
 * Serves real PostgreSQL for the local Lakebase emulator: branches (copy-on-write forks), the
 * Lakebase databases and roles inside them, and endpoints (loopback `host:port` listeners speaking
 * the Postgres wire protocol behind a token-checking proxy). Node-only, reached through
 * `lakebase-sdk/emulator` and never the core entry. It needs the optional peer dependency `pg`.
 * The PGlite engine also needs `@electric-sql/pglite@0.5.14` and `@electric-sql/pglite-socket@0.2.17`,
 * which must be pinned together because pglite-socket names pglite's exact version.
 *
 * ## Engines and Postgres majors
 * - The emulator uses `startVersionedPostgres({ engine, strictVersions })`, a router over several engines
 *   (by-version.ts; docs/api-behaviour.md#pg_version-in-the-emulator):
 *   - its candidates are every runnable system PostgreSQL ≥ 13, one per major (`detectSystemMajors`: the
 *     first found of each major in the search order below), and PGlite when its packages resolve from the
 *     worker script (`pgliteAvailability`, nothing loaded). The pinned PGlite 0.5.14 is PostgreSQL 18.6.
 *     `"system"` / `"pglite"` keep only that kind; no candidate at all is an error at start.
 *   - none starts before a branch needs it. A project's root branch goes to an engine of its
 *     `pg_version` (system first within a major); with none, to the newest older major, else the nearest
 *     newer one, with a log line and a `Warning` header on CreateProject (`strictVersions`: refused).
 *     Forks stay on their parent's engine; every other call is routed by branch id.
 *   - an engine that fails to start is logged and left out (the next one takes its projects).
 *   - its `engine` is the engine of the default `pg_version` (17); `engines()` lists them all.
 * - `startPostgresBackend({ engine })` runs one engine (tests of the engines themselves):
 *   `"auto"` (default) picks `"system"` when PostgreSQL ≥ 13 binaries are found and runnable, else `"pglite"`.
 *   - Search order: the `pgBin` option, `PG_BIN`, `/usr/lib/postgresql/<newest>/bin`, then `initdb` on `PATH`
 *     (symlinks resolved). `initdb`, `postgres` and `pg_basebackup` must all be in the directory.
 *   - If the system engine fails to initialise, `"auto"` falls back to PGlite and logs why.
 * - `"system"` runs **one small cluster per branch**.
 *   - Each cluster has its own data directory and postmaster, and listens only on a unix socket in
 *     its own 0700 directory (`listen_addresses=''`; pg_hba: local trust, TCP reject).
 *   - Settings: `fsync`, `synchronous_commit` and `full_page_writes` off; `shared_buffers=16MB`;
 *     1 MiB WAL segments.
 *   - Start-up runs `initdb --no-sync` once, into a `mkdtemp` directory. That directory lives under
 *     `LAKEBASE_EMULATOR_TMPDIR`, else `/dev/shm` when it has ≥ 1 GiB free, else the OS temp dir.
 *     The data are scratch, and on this machine's disk creating ~1000 small files took 50–900 ms,
 *     against a steady ~20 ms on tmpfs.
 *   - `createBranch` copies that pristine data directory, starts it and creates `databricks_postgres`.
 *   - `forkBranch` runs `pg_basebackup` against the parent's *live* cluster and starts the copy. The
 *     copy is a consistent snapshot of committed data, including every database and role, and no
 *     parent session is disturbed.
 *   - As root (`initdb` and `postgres` refuse to run as root), every tool and server runs as the
 *     `postgres` user, or `nobody` if there is none, and the temp directory is chowned to that user.
 *   - Why not one database per branch (`CREATE DATABASE … TEMPLATE`):
 *     - Every session on the parent would have to be terminated first. An open `pg.Pool` on
 *       production would then see its idle clients die each time a branch is created.
 *     - Roles are global to a cluster, so they could not differ between branches.
 *     - Clients would see internal names in `current_database()`.
 *   - With a cluster per branch, Lakebase database names are the real names (no rewriting), roles
 *     belong to their branch, and the server itself answers 3D000 for an unknown database.
 * - `"pglite"` runs PGlite in **one child process** (`pglite-worker.mjs`, forked), so queries never
 *   block this event loop.
 *   - Each branch is its own in-memory instance (`shared_buffers=8MB`) with a pglite-socket server
 *     on a private unix socket (loopback TCP on Windows).
 *   - `initdb` runs once per process, in the background from start-up. Its result is kept as the
 *     empty-cluster template, so later branches load it instead of running `initdb` again.
 *   - `forkBranch` is `dumpDataDir()` → `new PGlite({ loadDataDir })`. The dump runs under the
 *     query lock, so it holds committed data only.
 *
 * ## Kept data (`dataDir`: the emulator's `--data-dir`, see src/emulator/data-dir/index.ts)
 * - Each engine keeps its branches under `<dataDir>/<engine>-<major>/`, named by branch id, and
 *   `close()` leaves them there; `restoreBranch(id)` serves one again (the router's `restore()` does
 *   it for every saved branch, each on the engine that made it). Deleting a branch deletes its files.
 * - system: each cluster's data directory is `<root>/<id>/data` and the initdb template
 *   `<root>/template` (made once, into a side directory renamed when complete). Sockets stay in a
 *   short temp directory (unix socket paths are limited to ~100 bytes). Kept clusters run with
 *   `fsync` and `full_page_writes` on (an OS crash cannot corrupt them; `synchronous_commit` stays
 *   off). Restart = start the postmaster on the kept directory; a `postmaster.pid` left by a killed
 *   run is waited for (a postmaster still shutting down) or removed (a reused pid). Exit hooks and
 *   the watchdog send SIGINT (fast shutdown, completed by the server alone) instead of SIGQUIT.
 * - pglite: each branch is an on-disk PGlite at `<root>/<id>/` (not a dump at stop: measured here,
 *   reopening took 130 ms against 360 ms to load a 41 MB dump, writes cost the same, and a killed
 *   run keeps what it committed), plus `<root>/<id>.json` with its Lakebase database names. New
 *   branches load the in-memory initdb template into their directory. On SIGTERM or when its parent
 *   goes away, the worker closes every branch before it exits.
 * - Measured restart (a start restoring 3 branches and their endpoints, test/emulator/data-dir.test.ts):
 *   system 0.09–0.27 s, PGlite 1.3–1.5 s (the worker's start plus three opens).
 *
 * ## Endpoints (the proxy, both engines)
 * - Listens on `127.0.0.1`, on the port asked (`EndpointOptions.port`: a restored endpoint asks for
 *   its old one) when free, else on a port the OS picks. Never beyond loopback.
 * - TLS, when the backend is given a server identity (`startPostgresBackend({ tls: { key, cert } })`;
 *   `startEmulator` always gives one, from the local CA in `src/emulator/tls/`):
 *   - SSLRequest → `S`, then the server side of a TLS handshake (TLS ≥ 1.2, ALPN `postgresql` for
 *     clients that offer it) on the client socket, before the startup message is read. The rest of the
 *     startup phase and the bridged session run inside TLS. The upstream hop stays on the branch's
 *     private socket, so the server never sees TLS (`pg_stat_ssl` reads false): it shows only on the
 *     client's side. Making the CA (two P-256 keys, two signatures) takes a few ms.
 *   - Bytes sent in clear after the SSLRequest (before the handshake) get `FATAL 08P01 received
 *     unencrypted data after SSL request`, as on the server (CVE-2021-23214).
 *   - Plaintext stays accepted, like a server whose pg_hba allows both (`host` lines): `ssl: false` /
 *     sslmode=disable works, and so do cancel requests sent in clear (pg and libpq < 17 send them so).
 *   - Without an identity, SSLRequest → `N` (clients must then use `ssl: false`).
 * - GSSENCRequest → `N`. As on the server, a second SSLRequest or GSSENCRequest, or one after TLS is
 *   on, gets `FATAL 0A000 unsupported frontend protocol 1234.5679` (…5680).
 * - Direct TLS (PostgreSQL 17's `sslnegotiation=direct`, no SSLRequest) is not served: the
 *   ClientHello reads as a bad startup length (`08P01`), as on servers before 17.
 * - The proxy asks for a cleartext password and calls `authenticate(user, password, database)`.
 *   A missing, empty, wrong, expired or foreign token, or an `authenticate` that throws, gets
 *   `FATAL 28P01 password authentication failed for user "<user>"`.
 * - After a good token, the role, then the database is checked (the server's order): the token
 *   (`28P01`), a connection slot (`53300`, pglite), the role (`28000`), the database (`3D000`):
 *   - system engine: the names are passed through, and the branch's server itself answers
 *     `FATAL 28000 role "x" does not exist` / `FATAL 3D000 database "x" does not exist`;
 *   - pglite: the proxy checks the role and the branch's Lakebase databases (plus `postgres`) itself.
 * - Identities are Postgres roles, as in the service: the client's `user` (the token's identity,
 *   checked by `authenticate`) goes upstream unchanged, so `current_user`/`session_user` read it and
 *   ownership, GRANTs and row-level security apply to it. A role that does not exist gets
 *   `FATAL 28000 role "x" does not exist`, a NOLOGIN one `… is not permitted to log in` (the server's
 *   answers; the service's are not recorded). The emulator's own work runs as `postgres`.
 *   - system engine: the server trusts its private socket for every role and answers 28000 itself;
 *   - pglite: the worker runs each connection's messages under `SET SESSION AUTHORIZATION <role>`,
 *     switched between transactions (see proxy.ts for limits).
 *   - Every branch has `databricks_superuser` (NOLOGIN CREATEDB CREATEROLE BYPASSRLS, member of
 *     pg_read_all_data, pg_write_all_data, pg_monitor); the owner's role is a member and owns
 *     `databricks_postgres`.
 *   Other startup parameters (application_name, options, …) are passed through.
 * - CancelRequest (in clear or inside TLS) is forwarded to the branch's server. It works on the system
 *   engine; PGlite ignores it.
 * - `suspend()`: each open connection gets `FATAL 57P01` (when it is between messages) and is closed.
 *   - The first connection attempt afterwards starts the wake-up clock.
 *   - Until `wakeUpMs` (default 1000) has passed, attempts get `FATAL 57P03 the database system is
 *     starting up`. This check comes before the password request, as on a starting server.
 *   - After that, `suspended` reads false and connections are served.
 * - `dropConnections()` resets every client socket (the TCP socket, also under TLS) and closes its
 *   upstream session.
 *
 * ## Lifecycle
 * - `close()` closes the listeners, stops every server or the worker, and deletes the temp directory
 *   (kept data stay, see above).
 *   It is idempotent. The router closes every engine it started (and one still starting, once up), and
 *   deletes its own temp directory (the emulator's CA file); a SIGKILL leaves that small directory behind.
 * - If the process ends without it (`process.exit()`, an uncaught exception, SIGINT, SIGTERM or
 *   SIGHUP), an `exit` or signal hook kills the children and deletes the files. After the cleanup,
 *   a signal keeps its default effect unless someone else listens for it.
 * - If the process is SIGKILLed:
 *   - system: a detached `sh` watchdog, blocked on a pipe from this process, sees EOF, stops the
 *     clusters and deletes the directory;
 *   - pglite: the worker exits when its IPC channel closes.
 * - Neither engine keeps the process alive by itself once idle. Listeners do, like any server.
 *
 * ## Limits
 * - PGlite: **all connections of a branch share one backend session** (pglite-socket multiplexes them).
 *   - `SET`, temp tables and named prepared statements leak between connections.
 *   - A connection idle inside a transaction blocks the branch's other connections until it commits.
 *   - No `statement_timeout`, no query cancel, and no LISTEN/NOTIFY across connections.
 *   - At most 16 client connections per branch; more get `FATAL 53300 sorry, too many clients already`.
 * - PGlite: **one database per branch**.
 *   - Lakebase databases are names that all reach it, and `current_database()` reads `postgres`.
 *   - `dropDatabase` forgets the name but not the tables.
 *   - Roles are real, but a client can `SET SESSION AUTHORIZATION` to any role (the shared session is a
 *     superuser's), and `SET ROLE` does not survive another connection's turn.
 * - PGlite: one worker hosts every branch, so a slow query stalls the other branches (but not the emulator).
 * - System engine:
 *   - DROP and RENAME of a database first terminate that database's sessions (like `WITH (FORCE)`).
 *   - `postgres`, `template0` and `template1` are reserved.
 *   - `createDatabase` with an owner role that does not exist makes a database owned by `postgres`
 *     (and logs it).
 *   - `dropRole` on a role that owns objects first reassigns them to `postgres`, in every database.
 * - Both engines: without `dataDir` the data are scratch (durability off) and live only as long as the backend.
 *
 * ## Cost, measured on this 2-core machine (PostgreSQL 15.18, PGlite 0.5.14)
 * | | system | pglite |
 * | --- | --- | --- |
 * | `startPostgresBackend` | 0.34–0.42 s (initdb) | 0.08 s (fork + import; initdb continues in the background) |
 * | first branch ready | + 0.10–0.14 s | + 1.9–3.3 s (waits for initdb) |
 * | later `createBranch` | 80–145 ms | 210–390 ms |
 * | `forkBranch`, 10k rows | 75–140 ms | 310–570 ms |
 * | memory, first branch | 24 MiB PSS (7 processes) | worker RSS 0.69–0.73 GiB |
 * | memory, each further branch | ~11 MiB PSS, plus ~33 MiB of files (RAM when on /dev/shm) | ~41 MiB RSS |
 *
 * The emulator's own Node process stays at 57–77 MiB RSS with either engine.
 *
 * ## Build note
 * `pglite-worker.mjs` is plain JavaScript and ships as is: `tsup.config.ts` copies it into `dist/`
 * (in onSuccess). `pgliteWorkerPath()` finds it next to the bundle, or one directory up, or at
 * `LAKEBASE_PGLITE_WORKER`. This module never uses `import.meta`, so that the CommonJS bundle,
 * which tsup derives from the ESM one, still parses.
 */
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGLITE_PACKAGES } from "../cli-preflight.js";
import { DEFAULT_PG_MAJOR, PGLITE_PG_MAJOR, VersionedBackend, type EngineCandidate } from "./by-version.js";
import { PgliteBackend, pgliteWorkerPath } from "./pglite.js";
import { candidateBinDirs, detectSystemPostgres, SystemBackend, type SystemPostgres } from "./system.js";

export type {
  CreateBranchOptions,
  EndpointListener,
  EndpointOptions,
  EndpointTls,
  EngineKind,
  PostgresBackend,
  PostgresBackendOptions,
  VersionPlan,
} from "./types.js";
export { DEFAULT_PG_MAJOR, PGLITE_PG_MAJOR, VersionedBackend, type BranchPlacement, type EngineInfo } from "./by-version.js";
import type { PostgresBackend, PostgresBackendOptions } from "./types.js";

/** One engine, picked as the header says ("auto": system when it starts, else PGlite). */
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
        const major = parsePostgresVersion(found.version)?.major;
        return await SystemBackend.start(found, log, options.tls, options.dataDir && join(options.dataDir, `system-${major}`));
      } catch (error) {
        if (engine === "system") throw error;
        log(`system PostgreSQL failed to start (${String(error)}); using PGlite`);
      }
    }
  }
  return PgliteBackend.start(log, options.tls, options.dataDir && join(options.dataDir, `pglite-${PGLITE_PG_MAJOR}`));
}

/** "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" → { major: 15, release: "15.18" }. */
export function parsePostgresVersion(text: string): { major: number; release: string } | undefined {
  const match = /\(PostgreSQL\)\s+((\d+)(?:\.\d+)?)/.exec(text);
  return match ? { major: Number(match[2]), release: match[1]! } : undefined;
}

/**
 * Every runnable system PostgreSQL, one per major: the first found of each in the search order
 * (`pgBin`, `PG_BIN`, `/usr/lib/postgresql/<newest first>/bin`, `initdb` on `PATH`).
 */
export async function detectSystemMajors(pgBin?: string): Promise<{ found: (SystemPostgres & { major: number; release: string })[]; error?: string }> {
  const results = await Promise.all(candidateBinDirs(pgBin).map((dir) => detectSystemPostgres(dir)));
  const found = new Map<number, SystemPostgres & { major: number; release: string }>();
  const errors: string[] = [];
  for (const result of results) {
    if ("error" in result) {
      errors.push(result.error);
      continue;
    }
    const parsed = parsePostgresVersion(result.version);
    if (parsed && !found.has(parsed.major)) found.set(parsed.major, { ...result, ...parsed });
  }
  const error = errors.length ? [...new Set(errors)].join("; ") : "no PostgreSQL binaries found (set PG_BIN or install postgresql)";
  return { found: [...found.values()], ...(found.size ? {} : { error }) };
}

/**
 * Whether the PGlite worker could load its packages: each resolves (a `package.json` on Node's
 * lookup path) from where the worker script lives. Nothing is loaded here.
 */
export function pgliteAvailability(): { ok: true } | { error: string; missing: string[] } {
  let worker: string;
  try {
    worker = pgliteWorkerPath();
  } catch (error) {
    return { error: (error as Error).message, missing: [] };
  }
  const lookup = createRequire(worker).resolve.paths;
  const missing = Object.keys(PGLITE_PACKAGES).filter((pkg) => !(lookup(pkg) ?? []).some((dir) => existsSync(join(dir, pkg, "package.json"))));
  return missing.length ? { error: `${missing.join(" and ")} not installed`, missing } : { ok: true };
}

const PGLITE_INSTALL = `npm i ${Object.entries(PGLITE_PACKAGES)
  .map(([name, version]) => `${name}@${version}`)
  .join(" ")}`;

/** What to install to run `major` under this engine choice: the clause after "For PostgreSQL <major>, " (ASCII). */
export function installHint(major: number, engine: "auto" | "system" | "pglite"): string {
  const system = `install it (apt-get install postgresql-${major}, or brew install postgresql@${major}) or set PG_BIN to its bin directory`;
  const andSystem = engine === "pglite" ? `${system}, and use the engine auto or system` : system;
  if (major !== PGLITE_PG_MAJOR) return andSystem;
  if (engine === "system") return `${system}, or use the PGlite engine (engine auto or pglite), which runs ${PGLITE_PG_MAJOR}`;
  return `install PGlite, which runs ${PGLITE_PG_MAJOR} (${PGLITE_INSTALL}), or ${system}`;
}

export interface VersionedPostgresOptions extends PostgresBackendOptions {
  /** Refuse a `pg_version` no engine here runs instead of substituting another major. */
  readonly strictVersions?: boolean;
}

/**
 * The emulator's backend: every engine `options.engine` allows and this machine can run (each
 * system PostgreSQL major found; PGlite when its packages resolve), none started yet, behind a
 * router that gives each project the engine of its `pg_version` (by-version.ts). Throws when no
 * engine is available, naming what to install.
 */
export async function startVersionedPostgres(options: VersionedPostgresOptions = {}): Promise<VersionedBackend> {
  const log = options.log ?? (() => {});
  const engine = options.engine ?? "auto";
  const candidates: EngineCandidate[] = [];
  const problems: string[] = [];
  if (engine !== "pglite") {
    const system = await detectSystemMajors(options.pgBin);
    for (const pg of system.found) {
      const dataRoot = options.dataDir && join(options.dataDir, `system-${pg.major}`);
      candidates.push({ engine: "system", pgMajor: pg.major, version: pg.release, start: () => SystemBackend.start(pg, log, options.tls, dataRoot) });
    }
    if (system.error) {
      problems.push(`no usable system PostgreSQL (${system.error})`);
      if (engine === "system") throw new Error(`system PostgreSQL unavailable: ${system.error}`);
    }
  }
  if (engine !== "system") {
    const pglite = pgliteAvailability();
    const dataRoot = options.dataDir && join(options.dataDir, `pglite-${PGLITE_PG_MAJOR}`);
    if ("ok" in pglite) candidates.push({ engine: "pglite", pgMajor: PGLITE_PG_MAJOR, start: () => PgliteBackend.start(log, options.tls, dataRoot) });
    else {
      problems.push(`PGlite unavailable (${pglite.error}${pglite.missing.length ? `: npm i ${pglite.missing.map((n) => `${n}@${PGLITE_PACKAGES[n as keyof typeof PGLITE_PACKAGES]}`).join(" ")}` : ""})`);
      if (engine === "pglite") throw new Error(`PGlite unavailable: ${pglite.error}`);
    }
  }
  if (candidates.length === 0) throw new Error(`no Postgres engine: ${problems.join("; ")}`);
  for (const problem of problems) log(problem);
  const tempDir = await mkdtemp(join(tmpdir(), "lakebase-emulator-"));
  const backend = new VersionedBackend(candidates, { log, strict: options.strictVersions ?? false, tempDir, installHint: (major) => installHint(major, engine) });
  log(
    `Postgres engines: ${backend
      .engines()
      .map((e) => `${e.engine === "pglite" ? "PGlite" : "system PostgreSQL"} ${e.version ?? e.pgMajor}`)
      .join(", ")} (each starts on first use); default pg_version ${DEFAULT_PG_MAJOR} runs on ${backend.engine}`,
  );
  return backend;
}
