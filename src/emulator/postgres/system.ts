/**
 * The "system" engine: a real PostgreSQL found on this machine. Each branch is its own small cluster
 * (data directory + postmaster) listening only on a unix socket in a private temp directory.
 *  - createBranch copies a pristine data directory made once by `initdb --no-sync`, starts it and
 *    creates `databricks_postgres`;
 *  - forkBranch takes `pg_basebackup` of the parent's *live* cluster (committed data, no session of
 *    the parent is disturbed) and starts the copy.
 * Clients log in as their own role: pg_hba trusts the private socket for every role (initdb
 * `--auth-local=trust`), so the proxy passes the client's `user` through and the server itself
 * answers `role "x" does not exist` / `is not permitted to log in` (28000). The emulator's own work
 * (query(), databases, roles) runs as `postgres`.
 * With a data root (the emulator's data directory) the clusters and the template are kept there
 * across restarts and `restoreBranch` starts one again; see index.ts, "Kept data".
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { constants, existsSync, readdirSync, readFileSync, realpathSync, type Dirent } from "node:fs";
import { access, chmod, chown, copyFile, lchown, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, statfs, symlink } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, sep } from "node:path";
import type { EndpointListener, EndpointOptions, EndpointTls, PostgresBackend } from "./types.js";
import { isAlive, killPid, removeDirSync, track, untrack, unprivilegedUser, type Reapable, type RunAs } from "./lifecycle.js";
import { openProxyListener, type ProxyListener } from "./proxy.js";
import { branchSystemRolesSql, databaseGrantsSql, roleFlags, type RoleAttributes } from "./role-sql.js";
import { quoteIdent, runSql, type ServerAddress } from "./sql.js";

const EXE = process.platform === "win32" ? ".exe" : "";
const DEFAULT_DATABASE = "databricks_postgres";
const PROTECTED_DATABASES = new Set(["postgres", "template0", "template1"]);
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
/** pg_basebackup --no-manifest and DROP/RENAME semantics need 13+. */
const MIN_MAJOR = 13;

/**
 * Server settings for every branch cluster: no TCP listener at all, small memory, and durability
 * off for scratch data. Kept data (a data directory) get `fsync` and `full_page_writes` back, so an
 * OS crash cannot corrupt a cluster; `synchronous_commit` stays off (a crash loses at most the
 * last few commits, never consistency).
 */
const serverSettings = (kept: boolean) => [
  "listen_addresses=",
  `fsync=${kept ? "on" : "off"}`,
  "synchronous_commit=off",
  `full_page_writes=${kept ? "on" : "off"}`,
  "shared_buffers=16MB",
  "min_wal_size=4MB",
  "max_wal_size=64MB",
  // Each fork (pg_basebackup -X stream) holds two WAL senders of its parent: 16 lets eight forks of
  // one branch run at once (plan/apply creates sibling branches concurrently); 4 refused the third.
  "max_wal_senders=16",
  // Concurrent forks each force a checkpoint (-c fast), which may recycle the WAL another fork's
  // stream is about to read ("requested WAL segment … has already been removed"): keep 32 segments.
  "wal_keep_size=32MB",
  "max_worker_processes=4",
  "max_parallel_workers=2",
];

export interface SystemPostgres {
  bin: string;
  version: string;
  runAs: RunAs | undefined;
}

function hasBinaries(dir: string): boolean {
  return ["initdb", "postgres", "pg_basebackup"].every((name) => existsSync(join(dir, name + EXE)));
}

function versionKey(name: string): number {
  const [major = "0", minor = "0"] = name.split(".");
  return Number(major) * 1000 + Number(minor);
}

/** Candidate binary directories, best first: explicit option, PG_BIN, Debian's layout, then PATH. */
export function candidateBinDirs(explicit?: string): string[] {
  if (explicit) return [explicit];
  const dirs: string[] = [];
  if (process.env.PG_BIN) dirs.push(process.env.PG_BIN);
  try {
    const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => versionKey(b) - versionKey(a));
    for (const version of versions) dirs.push(join("/usr/lib/postgresql", version, "bin"));
  } catch {
    // not a Debian-style install
  }
  for (const entry of (process.env.PATH ?? "").split(delimiter)) {
    if (!entry) continue;
    const initdb = join(entry, "initdb" + EXE);
    if (!existsSync(initdb)) continue;
    try {
      dirs.push(dirname(realpathSync(initdb))); // /usr/local/bin/initdb → the real bin directory
    } catch {
      dirs.push(entry);
    }
  }
  return [...new Set(dirs)];
}

function execFileText(file: string, args: string[], runAs?: RunAs): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 10_000, env: { ...process.env, LC_ALL: "C" }, ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}) }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")} failed: ${String(stderr).trim() || error.message}`));
      else resolve(String(stdout));
    });
  });
}

/** Finds a runnable PostgreSQL (binaries present, `postgres --version` works, a non-root user when root). */
export async function detectSystemPostgres(explicit?: string): Promise<SystemPostgres | { error: string }> {
  const runAs = unprivilegedUser();
  if (runAs === "missing") {
    return { error: "running as root and neither a `postgres` nor a `nobody` user exists to run PostgreSQL" };
  }
  const problems: string[] = [];
  for (const bin of candidateBinDirs(explicit)) {
    if (!hasBinaries(bin)) {
      problems.push(`${bin}: initdb/postgres/pg_basebackup not all present`);
      continue;
    }
    try {
      const version = (await execFileText(join(bin, "postgres" + EXE), ["--version"], runAs)).trim();
      const major = Number(/\(PostgreSQL\)\s+(\d+)/.exec(version)?.[1] ?? 0);
      if (major < MIN_MAJOR) {
        problems.push(`${bin}: ${version} is older than PostgreSQL ${MIN_MAJOR}`);
        continue;
      }
      return { bin, version, runAs };
    } catch (error) {
      problems.push(String(error));
    }
  }
  return { error: problems.length ? problems.join("; ") : "no PostgreSQL binaries found (set PG_BIN or install postgresql)" };
}

/**
 * Where the clusters live: `LAKEBASE_EMULATOR_TMPDIR` if set, else `/dev/shm` on Linux when it has
 * room (≥ 1 GiB free: data directories are scratch, and creating ~1000 small files per branch is
 * consistently fast on tmpfs but was measured at 50–900 ms on this machine's disk), else the OS temp dir.
 */
async function scratchParent(): Promise<string> {
  const explicit = process.env.LAKEBASE_EMULATOR_TMPDIR;
  if (explicit) return explicit;
  if (process.platform === "linux") {
    try {
      const stats = await statfs("/dev/shm");
      await access("/dev/shm", constants.W_OK);
      if (stats.bavail * stats.bsize >= 1024 ** 3) return "/dev/shm";
    } catch {
      // no usable /dev/shm
    }
  }
  return tmpdir();
}

interface Cluster {
  readonly branchId: string;
  /** The cluster's own directory: its data (`data/`), and its socket when the data are scratch. */
  readonly dir: string;
  readonly dataDir: string;
  /** The unix socket's directory: `dir` for scratch data; a short temp path for kept data (socket paths are limited to ~100 bytes). */
  readonly socketDir: string;
  readonly address: ServerAddress;
  process: ChildProcess | undefined;
  exited: Promise<void>;
  readonly listeners: Set<ProxyListener>;
}

/**
 * The POSIX watchdog: a lone `sh` whose stdin is a pipe from this process. If this process dies
 * without running its hooks (SIGKILL, OOM), the pipe reaches EOF and the watchdog stops the clusters
 * (pids from their postmaster.pid files under `$2`, with signal `$3`: QUIT for scratch data, INT —
 * a clean fast shutdown — for kept data) and deletes the temp directory `$1`. It blocks in the
 * `read` builtin, so it has no child process of its own until then.
 */
const WATCHDOG = [
  "read _ignored",
  'for f in "$2"/*/data/postmaster.pid "$2"/template/postmaster.pid; do',
  '  if [ -f "$f" ]; then kill -"$3" "$(head -n 1 "$f")" 2>/dev/null; fi',
  "done",
  "sleep 1",
  'rm -rf "$1"',
].join("\n");

/**
 * Before a kept cluster starts again: a `postmaster.pid` left by a killed run. A postmaster still
 * shutting down (the watchdog's SIGINT) is waited for; a pid now used by another program (pid reuse
 * after a reboot or in a new container) would make postgres refuse to start, so that file goes.
 */
async function clearStalePid(dataDir: string): Promise<void> {
  const file = join(dataDir, "postmaster.pid");
  const pid = Number.parseInt((await readFile(file, "utf8").catch(() => "")).split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const isPostgres = () => isAlive(pid) && /postgres/.test(readFileSafe(`/proc/${pid}/cmdline`));
  for (let waited = 0; isPostgres() && waited < STOP_TIMEOUT_MS; waited += 100) {
    if (waited === 2000) killPid(pid, "SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!isPostgres()) await rm(file, { force: true });
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return "";
  }
}

export class SystemBackend implements PostgresBackend, Reapable {
  readonly engine = "system" as const;
  private readonly clusters = new Map<string, Cluster>();
  private counter = 0;
  private watchdog: ChildProcess | undefined;
  private closing: Promise<void> | undefined;
  /** Serialises branch-level lifecycle changes per branch id. */
  private readonly busy = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly pg: SystemPostgres,
    readonly tempDir: string,
    private readonly log: (message: string) => void,
    private readonly tls: EndpointTls | undefined,
    /** Kept data: the clusters and the template live here (`<id>/data`, `template`) and survive close(). */
    private readonly dataRoot: string | undefined,
  ) {}

  /** Where the clusters and the template live: the data root when data are kept, else the temp directory. */
  private get clustersRoot(): string {
    return this.dataRoot ?? this.tempDir;
  }

  /** `dataRoot`: keep every branch there across restarts (restoreBranch); else scratch data in a temp directory. */
  static async start(pg: SystemPostgres, log: (message: string) => void, tls?: EndpointTls, dataRoot?: string): Promise<SystemBackend> {
    const root = await mkdtemp(join(await scratchParent(), "lakebase-pg-"));
    const backend = new SystemBackend(pg, root, log, tls, dataRoot);
    track(backend);
    try {
      await backend.init();
      return backend;
    } catch (error) {
      await backend.close();
      throw error;
    }
  }

  private async init(): Promise<void> {
    const started = Date.now();
    await this.own(this.tempDir);
    if (this.dataRoot) await this.own(this.dataRoot);
    if (process.platform !== "win32") {
      const signal = this.dataRoot ? "INT" : "QUIT";
      this.watchdog = spawn("/bin/sh", ["-c", WATCHDOG, "lakebase-pg-watchdog", this.tempDir, this.clustersRoot, signal], {
        detached: true, // its own process group: a Ctrl-C to ours does not stop it before it is needed
        stdio: ["pipe", "ignore", "ignore"],
      });
      this.watchdog.on("error", () => {});
      this.watchdog.stdin?.on("error", () => {});
      (this.watchdog.stdin as { unref?: () => void } | null)?.unref?.();
      this.watchdog.unref();
    }
    const template = join(this.clustersRoot, "template");
    if (this.dataRoot && existsSync(join(template, "PG_VERSION"))) {
      this.log(`system postgres (${this.pg.version}, ${this.pg.bin}) template kept at ${template}`);
      return;
    }
    // Into a side directory, renamed when complete: a crash never leaves a half-made kept template.
    const making = `${template}.new`;
    await rm(making, { recursive: true, force: true });
    await this.run("initdb", [
      "-D",
      making,
      "-U",
      "postgres",
      "--auth-local=trust",
      "--auth-host=reject",
      "--no-sync",
      "--no-locale",
      "-E",
      "UTF8",
      "--wal-segsize=1", // 1 MiB WAL segments instead of 16: less scratch space per branch
    ]);
    await rm(template, { recursive: true, force: true });
    await rename(making, template);
    this.log(`system postgres (${this.pg.version}, ${this.pg.bin}) template ready in ${Date.now() - started} ms at ${this.tempDir}`);
  }

  /** Diagnostics (tests): every child process id currently alive. */
  processes(): number[] {
    const pids: number[] = [];
    for (const cluster of this.clusters.values()) if (cluster.process?.pid) pids.push(cluster.process.pid);
    if (this.watchdog?.pid && this.watchdog.exitCode === null && this.watchdog.signalCode === null) pids.push(this.watchdog.pid);
    return pids;
  }

  private spawnOptions() {
    const runAs = this.pg.runAs;
    return {
      // Its own process group, as the watchdog's: Ctrl-C in a terminal signals the whole foreground
      // group, and a postmaster (or pg_basebackup mid-fork) that got it would stop under operations
      // the emulator is still finishing. The emulator stops them itself; the watchdog if it dies.
      detached: true,
      cwd: this.tempDir,
      env: { ...process.env, LC_ALL: "C", LANG: "C" },
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    };
  }

  private run(tool: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(join(this.pg.bin, tool + EXE), args, { ...this.spawnOptions(), stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`${tool} failed (${signal ?? code}): ${output.trim().split("\n").slice(-5).join(" | ")}`));
      });
    });
  }

  /** Gives a directory (created if needed) to the unprivileged server user, mode 0700. */
  private async own(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    if (this.pg.runAs) await chown(dir, this.pg.runAs.uid, this.pg.runAs.gid);
  }

  /**
   * Copies a stopped data directory (fs.cp is several times slower on ~1000 small files): every
   * directory first, then all files in parallel; owned by the server user, modes kept by copyFile.
   */
  private async copyDataDir(source: string, target: string): Promise<void> {
    const runAs = this.pg.runAs;
    const entries = await readdir(source, { recursive: true, withFileTypes: true });
    const relative = (entry: Dirent): string => {
      const parent = (entry as Dirent & { parentPath?: string; path?: string }).parentPath ?? (entry as Dirent & { path: string }).path;
      return join(parent, entry.name).slice(source.length);
    };
    const give = async (path: string): Promise<void> => {
      if (runAs) await lchown(path, runAs.uid, runAs.gid);
    };
    await mkdir(target, { mode: 0o700 });
    await give(target);
    const dirs = entries.filter((entry) => entry.isDirectory()).map(relative);
    dirs.sort((a, b) => a.split(sep).length - b.split(sep).length);
    for (const dir of dirs) {
      await mkdir(join(target, dir), { mode: 0o700 });
      await give(join(target, dir));
    }
    await Promise.all(
      entries.map(async (entry) => {
        const path = relative(entry);
        if (entry.isFile()) await copyFile(join(source, path), join(target, path));
        else if (entry.isSymbolicLink()) await symlink(await readlink(join(source, path)), join(target, path));
        else return;
        await give(join(target, path));
      }),
    );
  }

  private newCluster(branchId: string): Cluster {
    const index = ++this.counter;
    // Kept data are found again by branch id (ids are `br-…` / `snapshot-…`: safe file names).
    if (this.dataRoot && !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(branchId)) throw new Error(`branch id "${branchId}" cannot name a directory`);
    const dir = this.dataRoot ? join(this.dataRoot, branchId) : join(this.tempDir, `c${index}`);
    const socketDir = this.dataRoot ? join(this.tempDir, `s${index}`) : dir;
    return {
      branchId,
      dir,
      dataDir: join(dir, "data"),
      socketDir,
      // Unix socket only: the "port" just names the socket file `<socketDir>/.s.PGSQL.<port>`.
      address: { host: socketDir, port: 5432 },
      process: undefined,
      exited: Promise.resolve(),
      listeners: new Set(),
    };
  }

  private startCluster(cluster: Cluster): Promise<void> {
    const args = ["-D", cluster.dataDir, "-p", String(cluster.address.port), "-k", cluster.socketDir];
    for (const setting of serverSettings(Boolean(this.dataRoot))) args.push("-c", setting);
    const child = spawn(join(this.pg.bin, "postgres" + EXE), args, { ...this.spawnOptions(), stdio: ["ignore", "pipe", "pipe"] });
    cluster.process = child;
    cluster.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    const label = `[pg ${cluster.branchId}]`;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      let tail = "";
      const timer = setTimeout(() => {
        if (!ready) reject(new Error(`postgres for branch ${cluster.branchId} not ready after ${READY_TIMEOUT_MS} ms: ${tail}`));
      }, READY_TIMEOUT_MS);
      const onOutput = (chunk: Buffer): void => {
        const text = chunk.toString();
        tail = (tail + text).slice(-2000);
        for (const line of text.split("\n")) if (line.trim()) this.log(`${label} ${line.trim()}`);
        if (!ready && tail.includes("ready to accept connections")) {
          ready = true;
          clearTimeout(timer);
          // A running server never keeps this process alive by itself; close() or the exit hook stops it.
          child.unref();
          (child.stdout as { unref?: () => void } | null)?.unref?.();
          (child.stderr as { unref?: () => void } | null)?.unref?.();
          resolve();
        }
      };
      // Always drain both pipes, or a chatty server would block on a full pipe.
      child.stdout?.on("data", onOutput);
      child.stderr?.on("data", onOutput);
      child.on("error", (error) => {
        clearTimeout(timer);
        if (!ready) reject(error);
      });
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`postgres for branch ${cluster.branchId} exited (${signal ?? code}): ${tail.trim()}`));
        else if (!this.closing && this.clusters.get(cluster.branchId) === cluster && cluster.process === child) {
          this.log(`${label} postgres exited unexpectedly (${signal ?? code})`);
        }
      });
    });
  }

  /** Stops the cluster's server; deletes its data too unless `keepData` (close() of kept data). */
  private async stopCluster(cluster: Cluster, keepData = false): Promise<void> {
    await Promise.all([...cluster.listeners].map((listener) => listener.close()));
    const child = cluster.process;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.ref(); // until it has exited
      child.kill("SIGINT"); // fast shutdown: sessions get 57P01, then the postmaster exits
      const timeout = (ms: number) => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref());
      const done = cluster.exited.then(() => true);
      if (!(await Promise.race([done, timeout(STOP_TIMEOUT_MS)]))) {
        child.kill("SIGQUIT");
        if (!(await Promise.race([done, timeout(2000)]))) child.kill("SIGKILL");
        await Promise.race([done, timeout(2000)]);
      }
    }
    if (cluster.socketDir !== cluster.dir) await rm(cluster.socketDir, { recursive: true, force: true, maxRetries: 3 });
    if (!keepData) await rm(cluster.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  /** Makes the cluster's directories (owned by the server user) — a leftover of a crashed create is cleared first. */
  private async prepareDirs(cluster: Cluster): Promise<void> {
    if (this.dataRoot) await rm(cluster.dir, { recursive: true, force: true, maxRetries: 3 });
    await this.own(cluster.dir);
    if (cluster.socketDir !== cluster.dir) await this.own(cluster.socketDir);
  }

  private exclusive<T>(branchId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.busy.get(branchId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(task);
    this.busy.set(branchId, next);
    const cleanup = (): void => {
      if (this.busy.get(branchId) === next) this.busy.delete(branchId);
    };
    next.then(cleanup, cleanup);
    return next;
  }

  private cluster(branchId: string): Cluster {
    const cluster = this.clusters.get(branchId);
    if (!cluster) throw new Error(`branch "${branchId}" does not exist in the Postgres backend`);
    return cluster;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error("the Postgres backend is closed");
  }

  async createBranch(branchId: string): Promise<void> {
    this.assertOpen();
    return this.exclusive(branchId, async () => {
      if (this.clusters.has(branchId)) throw new Error(`branch "${branchId}" already exists in the Postgres backend`);
      const cluster = this.newCluster(branchId);
      this.clusters.set(branchId, cluster);
      try {
        await this.prepareDirs(cluster);
        const started = Date.now();
        await this.copyDataDir(join(this.clustersRoot, "template"), cluster.dataDir);
        const copied = Date.now();
        await this.startCluster(cluster);
        const running = Date.now();
        await runSql(cluster.address, "postgres", `CREATE DATABASE ${quoteIdent(DEFAULT_DATABASE)}`);
        await runSql(cluster.address, DEFAULT_DATABASE, branchSystemRolesSql(DEFAULT_DATABASE));
        this.log(`branch ${branchId} created: copy ${copied - started} ms, start ${running - copied} ms, database ${Date.now() - running} ms`);
      } catch (error) {
        this.clusters.delete(branchId);
        await this.stopCluster(cluster).catch(() => {});
        throw error;
      }
    });
  }

  async forkBranch(parentId: string, childId: string): Promise<void> {
    this.assertOpen();
    const parent = this.cluster(parentId);
    return this.exclusive(childId, async () => {
      if (this.clusters.has(childId)) throw new Error(`branch "${childId}" already exists in the Postgres backend`);
      const cluster = this.newCluster(childId);
      this.clusters.set(childId, cluster);
      try {
        await this.prepareDirs(cluster);
        // A consistent copy of the live parent: committed data only, parent sessions untouched.
        const started = Date.now();
        await this.run("pg_basebackup", [
          "-h",
          parent.address.host,
          "-p",
          String(parent.address.port),
          "-U",
          "postgres",
          "-D",
          cluster.dataDir,
          "-X",
          "stream",
          "-c",
          "fast",
          "--no-manifest",
          "--no-sync",
          "-w",
        ]);
        const copied = Date.now();
        await this.startCluster(cluster);
        this.log(`branch ${childId} forked from ${parentId}: copy ${copied - started} ms, start ${Date.now() - copied} ms`);
      } catch (error) {
        this.clusters.delete(childId);
        await this.stopCluster(cluster).catch(() => {});
        throw error;
      }
    });
  }

  /** Kept data only: starts the cluster an earlier run left at `<dataRoot>/<branchId>`. */
  async restoreBranch(branchId: string): Promise<void> {
    this.assertOpen();
    if (!this.dataRoot) throw new Error("this system engine keeps no data (no data directory)");
    return this.exclusive(branchId, async () => {
      if (this.clusters.has(branchId)) throw new Error(`branch "${branchId}" already exists in the Postgres backend`);
      const cluster = this.newCluster(branchId);
      if (!existsSync(join(cluster.dataDir, "PG_VERSION"))) throw new Error(`no cluster at ${cluster.dataDir}`);
      this.clusters.set(branchId, cluster);
      try {
        await this.own(cluster.socketDir);
        await clearStalePid(cluster.dataDir);
        const started = Date.now();
        await this.startCluster(cluster);
        this.log(`branch ${branchId} restored in ${Date.now() - started} ms`);
      } catch (error) {
        this.clusters.delete(branchId);
        await this.stopCluster(cluster, true).catch(() => {});
        throw error;
      }
    });
  }

  async dropBranch(branchId: string): Promise<void> {
    this.assertOpen();
    return this.exclusive(branchId, async () => {
      const cluster = this.clusters.get(branchId);
      if (!cluster) return;
      this.clusters.delete(branchId);
      await this.stopCluster(cluster);
    });
  }

  /** Ends the other sessions on a database so DROP/RENAME can proceed (retrying while they go away). */
  private async withoutSessions(cluster: Cluster, database: string, statement: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await runSql(
        cluster.address,
        "postgres",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [database],
      );
      try {
        await runSql(cluster.address, "postgres", statement);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "55006" || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  async createDatabase(branchId: string, name: string, owner?: string): Promise<void> {
    const cluster = this.cluster(branchId);
    let ownerClause = "";
    if (owner) {
      const { rows } = await runSql(cluster.address, "postgres", "SELECT 1 FROM pg_roles WHERE rolname = $1", [owner]);
      if (rows.length > 0) ownerClause = ` OWNER ${quoteIdent(owner)}`;
      else this.log(`createDatabase(${branchId}, ${name}): owner role "${owner}" does not exist; the database is owned by postgres`);
    }
    await runSql(cluster.address, "postgres", `CREATE DATABASE ${quoteIdent(name)}${ownerClause}`);
    await runSql(cluster.address, name, databaseGrantsSql(name));
  }

  async dropDatabase(branchId: string, name: string): Promise<void> {
    const cluster = this.cluster(branchId);
    if (PROTECTED_DATABASES.has(name)) throw new Error(`database "${name}" is reserved and cannot be dropped`);
    await this.withoutSessions(cluster, name, `DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  }

  async renameDatabase(branchId: string, from: string, to: string): Promise<void> {
    const cluster = this.cluster(branchId);
    if (PROTECTED_DATABASES.has(from)) throw new Error(`database "${from}" is reserved and cannot be renamed`);
    await this.withoutSessions(cluster, from, `ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`);
  }

  /** A new role can log in (it may stand for an identity); an existing one keeps its LOGIN and gets the attributes. */
  async createRole(branchId: string, name: string, attributes: RoleAttributes = {}): Promise<void> {
    const cluster = this.cluster(branchId);
    const flags = roleFlags(attributes);
    const { rows } = await runSql(cluster.address, "postgres", "SELECT 1 FROM pg_roles WHERE rolname = $1", [name]);
    if (rows.length > 0) await runSql(cluster.address, "postgres", `ALTER ROLE ${quoteIdent(name)} ${flags}`);
    else await runSql(cluster.address, "postgres", `CREATE ROLE ${quoteIdent(name)} LOGIN ${flags}`);
  }

  async dropRole(branchId: string, name: string): Promise<void> {
    const cluster = this.cluster(branchId);
    if (name === "postgres") throw new Error('role "postgres" is reserved and cannot be dropped');
    const drop = `DROP ROLE IF EXISTS ${quoteIdent(name)}`;
    try {
      await runSql(cluster.address, "postgres", drop);
    } catch (error) {
      if ((error as { code?: string }).code !== "2BP01") throw error;
      // The role owns objects or holds privileges: hand them to postgres in every database, then drop.
      const { rows } = await runSql(cluster.address, "postgres", "SELECT datname FROM pg_database WHERE datallowconn");
      for (const row of rows) {
        await runSql(cluster.address, String(row.datname), `REASSIGN OWNED BY ${quoteIdent(name)} TO postgres; DROP OWNED BY ${quoteIdent(name)}`);
      }
      await runSql(cluster.address, "postgres", drop);
    }
  }

  async query(branchId: string, database: string, sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> {
    return runSql(this.cluster(branchId).address, database, sql, params);
  }

  async openEndpoint(branchId: string, options: EndpointOptions): Promise<EndpointListener> {
    this.assertOpen();
    const cluster = this.cluster(branchId);
    const path = `${cluster.address.host}/.s.PGSQL.${cluster.address.port}`;
    const listener = await openProxyListener(
      {
        // Databases are real per-branch databases with their Lakebase names: no rewrite; the server
        // answers 3D000 itself, and 28000 for a role that does not exist or cannot log in.
        mapDatabase: (database) => database,
        connect: () => createConnection({ path }),
      },
      { ...options, tls: this.tls, log: this.log, onClose: () => cluster.listeners.delete(listener) },
    );
    cluster.listeners.add(listener);
    return listener;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.busy.values()].map((task) => task.catch(() => {})));
      const clusters = [...this.clusters.values()];
      this.clusters.clear();
      const keep = Boolean(this.dataRoot);
      await Promise.all(clusters.map((cluster) => this.stopCluster(cluster, keep).catch((error) => this.log(String(error)))));
      await rm(this.tempDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
      const watchdog = this.watchdog;
      if (watchdog?.pid && watchdog.exitCode === null && watchdog.signalCode === null) {
        watchdog.ref();
        const gone = new Promise<void>((resolve) => watchdog.once("exit", () => resolve()));
        killPid(watchdog.pid, "SIGKILL");
        await Promise.race([gone, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
      }
      untrack(this);
    })();
    return this.closing;
  }

  reapSync(): void {
    // Kept data: SIGINT, a fast shutdown the postmaster completes on its own after this process is gone.
    for (const cluster of this.clusters.values()) killPid(cluster.process?.pid, this.dataRoot ? "SIGINT" : "SIGQUIT");
    // The watchdog (still running) finishes the job if a dying server is still writing.
    removeDirSync(this.tempDir);
  }
}

