// The PGlite engine's child process (started with child_process.fork by ./pglite.ts).
//
// PGlite runs PostgreSQL compiled to WebAssembly synchronously on the thread that calls it, so a
// slow query would freeze whatever event loop hosts it. This process hosts every branch's PGlite
// instance and its pglite-socket server; the parent (the emulator) only pipes bytes to the sockets
// and sends lifecycle requests over the IPC channel.
//
// Shipped as plain JavaScript (.mjs) so it runs unchanged from src/ under vitest and from dist/
// after the build (tsup.config.ts copies it next to the bundles).
//
// argv: [socketRoot]  a private directory for the unix sockets (empty string: 127.0.0.1 TCP instead)
//       [maxConnections] the pglite-socket server cap per branch
//
// IPC requests {id, op, ...} → replies {id, ok: true, result} | {id, ok: false, error}.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const socketRoot = process.argv[2] ?? "";
const maxConnections = Number(process.argv[3] ?? "32");
// About 80 MiB per instance instead of about 200 MiB with the 128MB default.
const POSTGRESQL_CONF = "shared_buffers = 8MB";

/** @type {Map<string, {db: any, server: any, address: {host: string, port: number}, dir?: string}>} */
const branches = new Map();
/** Branch ids being created, to refuse concurrent duplicates. */
const creating = new Set();
let counter = 0;
/** @type {Promise<{tar: Blob, spare: any}> | undefined} */
let template;
let shuttingDown = false;

function send(message) {
  if (process.connected) process.send(message);
}

function cleanupSync() {
  if (socketRoot) {
    try {
      rmSync(socketRoot, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}

process.on("exit", cleanupSync);
// The parent went away (even by SIGKILL): the IPC channel closes, and this process follows.
process.on("disconnect", () => process.exit(0));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => process.exit(0));
// Keep serving the other branches if one connection's handler misbehaves.
process.on("unhandledRejection", (error) => {
  console.error("[pglite-worker] unhandled rejection:", error);
});

let PGlite;
let PGLiteSocketServer;
try {
  ({ PGlite } = await import("@electric-sql/pglite"));
  ({ PGLiteSocketServer } = await import("@electric-sql/pglite-socket"));
} catch (error) {
  send({ ready: false, error: `cannot load @electric-sql/pglite and @electric-sql/pglite-socket (optional peer dependencies of lakebase-sdk): ${error?.message ?? error}` });
  process.exit(1);
}

/** The empty cluster (initdb runs once per process), kept as a tarball plus one unused instance. */
function warmTemplate() {
  template ??= (async () => {
    const started = Date.now();
    const spare = await PGlite.create({ postgresqlconf: POSTGRESQL_CONF });
    const tar = await spare.dumpDataDir("none");
    console.error(`[pglite-worker] empty-cluster template ready in ${Date.now() - started} ms`);
    return { tar, spare };
  })();
  return template;
}

async function serve(branchId, db) {
  const index = ++counter;
  let server;
  let address;
  let dir;
  if (socketRoot) {
    dir = join(socketRoot, `b${index}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    address = { host: dir, port: 5432 };
    server = new PGLiteSocketServer({ db, path: join(dir, ".s.PGSQL.5432"), maxConnections });
    await server.start();
  } else {
    server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections });
    await server.start();
    const conn = server.getServerConn();
    address = { host: "127.0.0.1", port: Number(conn.slice(conn.lastIndexOf(":") + 1)) };
  }
  branches.set(branchId, { db, server, address, dir });
  return address;
}

async function newInstance(load) {
  return PGlite.create({ loadDataDir: load, postgresqlconf: POSTGRESQL_CONF });
}

async function claim(branchId, make) {
  if (branches.has(branchId) || creating.has(branchId)) throw new Error(`branch "${branchId}" already exists in the Postgres backend`);
  creating.add(branchId);
  let db;
  try {
    db = await make();
    return await serve(branchId, db);
  } catch (error) {
    await db?.close().catch(() => {});
    throw error;
  } finally {
    creating.delete(branchId);
  }
}

const ops = {
  async create({ branchId }) {
    return claim(branchId, async () => {
      const t = await warmTemplate();
      if (t.spare) {
        const db = t.spare;
        t.spare = undefined;
        return db;
      }
      return newInstance(t.tar);
    });
  },

  async fork({ parentId, childId }) {
    const parent = branches.get(parentId);
    if (!parent) throw new Error(`branch "${parentId}" does not exist in the Postgres backend`);
    return claim(childId, async () => {
      // dumpDataDir runs under PGlite's query lock: committed data only, no half-done query.
      const tar = await parent.db.dumpDataDir("none");
      return newInstance(tar);
    });
  },

  async drop({ branchId }) {
    const branch = branches.get(branchId);
    if (!branch) return;
    branches.delete(branchId);
    await branch.server.stop().catch(() => {});
    await branch.db.close().catch(() => {});
    if (branch.dir) rmSync(branch.dir, { recursive: true, force: true });
  },

  async stats() {
    return { pid: process.pid, branches: branches.size, rss: process.memoryUsage().rss };
  },

  async shutdown() {
    shuttingDown = true;
    const all = [...branches.keys()];
    await Promise.all(all.map((branchId) => ops.drop({ branchId })));
    const t = template ? await template.catch(() => undefined) : undefined;
    await t?.spare?.close().catch(() => {});
    return true;
  },
};

process.on("message", async (message) => {
  if (!message || typeof message !== "object" || typeof message.id !== "number") return;
  const op = ops[message.op];
  try {
    if (!op) throw new Error(`unknown operation ${message.op}`);
    if (shuttingDown && message.op !== "shutdown") throw new Error("the Postgres backend is closed");
    const result = await op(message);
    send({ id: message.id, ok: true, result });
    if (message.op === "shutdown") setImmediate(() => process.exit(0));
  } catch (error) {
    send({ id: message.id, ok: false, error: error?.stack ?? String(error) });
  }
});

send({ ready: true, pid: process.pid });
// Start initdb now, in the background: the first createBranch waits for it.
warmTemplate().catch((error) => console.error("[pglite-worker] template failed:", error));
