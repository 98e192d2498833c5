/**
 * The "pglite" engine: PGlite (PostgreSQL compiled to WebAssembly) in one child process that hosts
 * every branch as its own in-memory instance behind a pglite-socket server on a private unix socket.
 * This side keeps the Lakebase bookkeeping (databases, connection cap) and runs the token proxy.
 * Identities: the proxy refuses a role that does not exist or cannot log in (28000) itself, then
 * passes the client's `user` to the worker, which runs that connection's messages under
 * `SET SESSION AUTHORIZATION <role>` (see pglite-worker.mjs and proxy.ts for the limits).
 * Kept data (`dataRoot`, a data directory): each branch is an on-disk PGlite at `<dataRoot>/<id>/`
 * (the worker explains why on disk), and its Lakebase database names, which PGlite cannot hold
 * (one database per instance), are kept beside it in `<dataRoot>/<id>.json`.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EndpointListener, EndpointOptions, EndpointTls, PostgresBackend } from "./types.js";
import { killPid, removeDirSync, track, untrack, type Reapable } from "./lifecycle.js";
import { openProxyListener, type ProxyListener } from "./proxy.js";
import { branchSystemRolesSql, roleFlags, type RoleAttributes } from "./role-sql.js";
import { quoteIdent, runSql, socketPath, type ServerAddress } from "./sql.js";
import { writeFileAtomic } from "../data-dir/atomic-write.js";

const DEFAULT_DATABASE = "databricks_postgres";
/** Client connections admitted per branch; pglite-socket multiplexes them onto one session. */
export const PGLITE_MAX_CLIENT_CONNECTIONS = 16;
/** The pglite-socket server's own cap, kept above ours so a closing socket never trips it. */
const SERVER_MAX_CONNECTIONS = 2 * PGLITE_MAX_CLIENT_CONNECTIONS;
const START_TIMEOUT_MS = 30_000;
const WORKER_FILE = "pglite-worker.mjs";

/**
 * The directory of this module, without `import.meta` (a syntax error in the CommonJS bundle, which
 * tsup derives from the ESM one): `__dirname` where it exists (CommonJS, vitest), else the file name
 * of the innermost stack frame (native ESM: a file: URL).
 */
function moduleDir(): string | undefined {
  if (typeof __dirname === "string") return __dirname;
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, frames) => frames;
    const frames = new Error().stack as unknown as NodeJS.CallSite[] | undefined;
    const file = frames?.[0]?.getFileName?.();
    if (!file) return undefined;
    return dirname(file.startsWith("file:") ? fileURLToPath(file) : file);
  } catch {
    return undefined;
  } finally {
    Error.prepareStackTrace = original;
  }
}

/**
 * Locates the worker script: `LAKEBASE_PGLITE_WORKER` if set; else next to this module (src/ under
 * vitest) or next to the bundle that contains it in dist/ (the build copies it there), or one directory up.
 */
export function pgliteWorkerPath(): string {
  if (process.env.LAKEBASE_PGLITE_WORKER) return process.env.LAKEBASE_PGLITE_WORKER;
  const dir = moduleDir();
  const candidates = dir ? [join(dir, WORKER_FILE), join(dir, "..", WORKER_FILE)] : [];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(`the PGlite worker script (${WORKER_FILE}) was not found (looked at ${candidates.join(", ") || "nothing"}); set LAKEBASE_PGLITE_WORKER`);
  }
  return found;
}

interface Branch {
  readonly address: ServerAddress;
  readonly databases: Set<string>;
  active: number;
  readonly listeners: Set<ProxyListener>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

function sqlError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export class PgliteBackend implements PostgresBackend, Reapable {
  readonly engine = "pglite" as const;
  private readonly branches = new Map<string, Branch>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing: Promise<void> | undefined;
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly tempDir: string,
    private readonly log: (message: string) => void,
    private readonly tls: EndpointTls | undefined,
    private readonly dataRoot: string | undefined,
  ) {
    this.exit = new Promise((resolve) => child.once("exit", () => resolve()));
    child.on("error", (error) => log(`PGlite worker error: ${error.message}`));
    child.on("message", (message: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      if (typeof message?.id !== "number") return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      this.holdOpen();
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(String(message.error ?? "PGlite worker error").split("\n")[0]));
    });
    child.once("exit", (code, signal) => {
      this.exited = true;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`the PGlite worker exited (${signal ?? code})`));
      this.pending.clear();
      this.holdOpen();
      if (!this.closing) this.log(`PGlite worker exited unexpectedly (${signal ?? code})`);
    });
  }

  /** `dataRoot`: keep every branch there across restarts (restoreBranch); else in memory. */
  static async start(log: (message: string) => void, tls?: EndpointTls, dataRoot?: string): Promise<PgliteBackend> {
    const worker = pgliteWorkerPath();
    const tempDir = await mkdtemp(join(tmpdir(), "lakebase-pglite-"));
    // Unix sockets in a private (0700) directory; Windows has no such sockets: loopback TCP there.
    const socketRoot = process.platform === "win32" ? "" : tempDir;
    const child = fork(worker, [socketRoot, String(SERVER_MAX_CONNECTIONS), dataRoot ?? ""], {
      execArgv: [], // not the parent's flags (inspectors, loaders of a test runner)
      // Its own process group: a terminal's Ctrl-C goes to the emulator alone, which finishes its
      // operations before it stops the worker (the worker also leaves when the IPC channel closes).
      detached: true,
      serialization: "advanced",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const backend = new PgliteBackend(child, tempDir, log, tls, dataRoot);
    track(backend);
    const forward = (chunk: Buffer): void => {
      for (const line of chunk.toString().split("\n")) if (line.trim()) log(`[pglite] ${line.trim()}`);
    };
    let tail = "";
    child.stdout?.on("data", forward);
    child.stderr?.on("data", (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-2000);
      forward(chunk);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the PGlite worker did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
        const onMessage = (message: { ready?: boolean; error?: string }): void => {
          if (message?.ready === undefined) return;
          clearTimeout(timer);
          child.off("message", onMessage);
          if (message.ready) resolve();
          else reject(new Error(message.error ?? "the PGlite worker failed to start"));
        };
        child.on("message", onMessage);
        child.once("error", (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.once("exit", (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`the PGlite worker exited during start-up (${signal ?? code}): ${tail.trim()}`));
        });
      });
      child.unref();
      (child.stdout as { unref?: () => void } | null)?.unref?.();
      (child.stderr as { unref?: () => void } | null)?.unref?.();
      backend.holdOpen();
      return backend;
    } catch (error) {
      await backend.close();
      throw error;
    }
  }

  private call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(new Error("the PGlite worker is not running"));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.holdOpen();
      this.child.send({ id, op, ...args }, (error) => {
        if (!error) return;
        this.pending.delete(id);
        reject(error);
      });
    });
  }

  /**
   * The worker never keeps this process alive by itself (a forgotten close() must not hang a
   * script; the exit hook reaps the worker): its handles are referenced only while a request is in flight.
   */
  private holdOpen(): void {
    const busy = this.pending.size > 0;
    const channel = (this.child as { channel?: { ref(): void; unref(): void } | null }).channel;
    if (busy) channel?.ref();
    else channel?.unref();
  }

  /** Diagnostics (tests): every child process id currently alive. */
  processes(): number[] {
    return this.child.pid && !this.exited ? [this.child.pid] : [];
  }

  private branch(branchId: string): Branch {
    const branch = this.branches.get(branchId);
    if (!branch) throw new Error(`branch "${branchId}" does not exist in the Postgres backend`);
    return branch;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error("the Postgres backend is closed");
  }

  private async register(branchId: string, address: ServerAddress, databases: Iterable<string>): Promise<void> {
    this.branches.set(branchId, { address, databases: new Set(databases), active: 0, listeners: new Set() });
    await this.saveDatabases(branchId);
  }

  /** Kept data: the branch's Lakebase database names, beside its files. */
  private async saveDatabases(branchId: string): Promise<void> {
    const branch = this.branches.get(branchId);
    if (!this.dataRoot || !branch) return;
    await writeFileAtomic(join(this.dataRoot, `${branchId}.json`), `${JSON.stringify({ databases: [...branch.databases] })}\n`);
  }

  async createBranch(branchId: string): Promise<void> {
    this.assertOpen();
    const address = await this.call<ServerAddress>("create", { branchId });
    try {
      await runSql(address, "postgres", branchSystemRolesSql("postgres"));
    } catch (error) {
      await this.call("drop", { branchId }).catch(() => {});
      throw error;
    }
    await this.register(branchId, address, [DEFAULT_DATABASE]);
  }

  async forkBranch(parentId: string, childId: string): Promise<void> {
    this.assertOpen();
    const parent = this.branch(parentId);
    const databases = [...parent.databases];
    const address = await this.call<ServerAddress>("fork", { parentId, childId });
    await this.register(childId, address, databases);
  }

  /** Kept data only: opens the branch an earlier run left in the data root, with its database names. */
  async restoreBranch(branchId: string): Promise<void> {
    this.assertOpen();
    if (!this.dataRoot) throw new Error("this PGlite engine keeps no data (no data directory)");
    const saved = await readFile(join(this.dataRoot, `${branchId}.json`), "utf8").then((text) => JSON.parse(text) as { databases?: string[] }, () => ({ databases: undefined }));
    const started = Date.now();
    const address = await this.call<ServerAddress>("restore", { branchId });
    await this.register(branchId, address, saved.databases ?? [DEFAULT_DATABASE]);
    this.log(`branch ${branchId} restored in ${Date.now() - started} ms`);
  }

  async dropBranch(branchId: string): Promise<void> {
    this.assertOpen();
    const branch = this.branches.get(branchId);
    if (!branch) return;
    this.branches.delete(branchId);
    await Promise.all([...branch.listeners].map((listener) => listener.close()));
    await this.call("drop", { branchId });
    if (this.dataRoot) await rm(join(this.dataRoot, `${branchId}.json`), { force: true });
  }

  // PGlite has one database per instance (`postgres`), so Lakebase databases of a branch are names
  // that all lead to that one database.

  /** A name for the branch's one database; its owner role gets ALL on that database and its `public` schema (it cannot own it alone). */
  async createDatabase(branchId: string, name: string, owner?: string): Promise<void> {
    const branch = this.branch(branchId);
    if (branch.databases.has(name)) throw sqlError("42P04", `database "${name}" already exists`);
    if (owner) {
      const { rows } = await runSql(branch.address, "postgres", "SELECT 1 FROM pg_roles WHERE rolname = $1", [owner]);
      if (rows.length > 0) {
        await runSql(branch.address, "postgres", `GRANT ALL ON DATABASE postgres TO ${quoteIdent(owner)}; GRANT ALL ON SCHEMA public TO ${quoteIdent(owner)}`);
      } else {
        this.log(`createDatabase(${branchId}, ${name}): owner role "${owner}" does not exist; no privileges granted`);
      }
    }
    branch.databases.add(name);
    await this.saveDatabases(branchId);
  }

  async dropDatabase(branchId: string, name: string): Promise<void> {
    this.branch(branchId).databases.delete(name);
    await this.saveDatabases(branchId);
  }

  async renameDatabase(branchId: string, from: string, to: string): Promise<void> {
    const branch = this.branch(branchId);
    if (!branch.databases.has(from)) throw sqlError("3D000", `database "${from}" does not exist`);
    if (branch.databases.has(to)) throw sqlError("42P04", `database "${to}" already exists`);
    branch.databases.delete(from);
    branch.databases.add(to);
    await this.saveDatabases(branchId);
  }

  /** A new role can log in (it may stand for an identity); an existing one keeps its LOGIN and gets the attributes. */
  async createRole(branchId: string, name: string, attributes: RoleAttributes = {}): Promise<void> {
    const branch = this.branch(branchId);
    const flags = roleFlags(attributes);
    const { rows } = await runSql(branch.address, "postgres", "SELECT 1 FROM pg_roles WHERE rolname = $1", [name]);
    if (rows.length > 0) await runSql(branch.address, "postgres", `ALTER ROLE ${quoteIdent(name)} ${flags}`);
    else await runSql(branch.address, "postgres", `CREATE ROLE ${quoteIdent(name)} LOGIN ${flags}`);
  }

  /** As on the system engine: a role that owns objects or holds privileges hands them to postgres first. */
  async dropRole(branchId: string, name: string): Promise<void> {
    const branch = this.branch(branchId);
    if (name === "postgres") throw new Error('role "postgres" is reserved and cannot be dropped');
    const drop = `DROP ROLE IF EXISTS ${quoteIdent(name)}`;
    try {
      await runSql(branch.address, "postgres", drop);
    } catch (error) {
      if ((error as { code?: string }).code !== "2BP01") throw error;
      await runSql(branch.address, "postgres", `REASSIGN OWNED BY ${quoteIdent(name)} TO postgres; DROP OWNED BY ${quoteIdent(name)}; ${drop}`);
    }
  }

  /** What the server would answer at login for `role` (PGlite ignores the startup user, so the proxy asks). */
  private async refuseRole(branch: Branch, role: string): Promise<{ code: string; message: string } | undefined> {
    const { rows } = await runSql(branch.address, "postgres", "SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", [role]);
    if (rows.length === 0) return { code: "28000", message: `role "${role}" does not exist` };
    if (rows[0]?.rolcanlogin !== true) return { code: "28000", message: `role "${role}" is not permitted to log in` };
    return undefined;
  }

  private knows(branch: Branch, database: string): boolean {
    return branch.databases.has(database) || database === "postgres";
  }

  async query(branchId: string, database: string, sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> {
    const branch = this.branch(branchId);
    if (!this.knows(branch, database)) throw sqlError("3D000", `database "${database}" does not exist`);
    return runSql(branch.address, "postgres", sql, params);
  }

  async openEndpoint(branchId: string, options: EndpointOptions): Promise<EndpointListener> {
    this.assertOpen();
    const branch = this.branch(branchId);
    const path = socketPath(branch.address);
    const listener = await openProxyListener(
      {
        mapDatabase: (database) => (this.knows(branch, database) ? "postgres" : undefined),
        checkRole: (role) => this.refuseRole(branch, role),
        connect: () => (path ? createConnection({ path }) : createConnection({ host: branch.address.host, port: branch.address.port })),
        acquire: () => {
          if (branch.active >= PGLITE_MAX_CLIENT_CONNECTIONS) return false;
          branch.active++;
          return true;
        },
        release: () => {
          branch.active--;
        },
      },
      { ...options, tls: this.tls, log: this.log, onClose: () => branch.listeners.delete(listener) },
    );
    branch.listeners.add(listener);
    return listener;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const listeners = [...this.branches.values()].flatMap((branch) => [...branch.listeners]);
      this.branches.clear();
      await Promise.all(listeners.map((listener) => listener.close()));
      if (!this.exited) {
        this.child.ref(); // until it has exited
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
        await Promise.race([this.call("shutdown").catch(() => {}), timeout]);
        await Promise.race([this.exit, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
        if (!this.exited) {
          this.child.kill("SIGKILL");
          await this.exit;
        }
      }
      await rm(this.tempDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
      untrack(this);
    })();
    return this.closing;
  }

  reapSync(): void {
    // Kept data: SIGTERM, on which the worker closes every branch cleanly before it exits.
    killPid(this.child.pid, this.dataRoot ? "SIGTERM" : "SIGKILL");
    removeDirSync(this.tempDir);
  }
}
