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
//       [dataRoot]    kept data (a data directory): each branch is an on-disk PGlite at <dataRoot>/<branchId>
//                     that survives shutdown and is opened again by `restore` (empty string: in memory).
//                     On disk rather than a dump at stop: measured here, reopening a branch took 130 ms
//                     against 360 ms to load a 41 MB dump, writes cost the same, and a killed run
//                     loses nothing committed (PostgreSQL's own recovery on the next open).
//
// IPC requests {id, op, ...} → replies {id, ok: true, result} | {id, ok: false, error}.
//
// Identities: PGlite has one backend session per instance, authenticated as `postgres`, and it
// ignores the StartupMessage's `user`. pglite-socket multiplexes every client connection onto that
// session one protocol message at a time. So that each connection still runs as the role it logged
// in as (the proxy passes the client's user through), `withIdentities` tags each message with the
// pglite-socket handler that sent it and, just before running a message from a connection whose
// role is not the session's current one, runs `SET SESSION AUTHORIZATION <role>` inside the same
// exclusive section (only between transactions: pglite-socket already holds other connections'
// messages while one is inside a transaction). `current_user` and `session_user` then read the
// connection's role, and privileges and row-level security apply to it. See proxy.ts for the limits.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const socketRoot = process.argv[2] ?? "";
const maxConnections = Number(process.argv[3] ?? "32");
const dataRoot = process.argv[4] ?? "";
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
// The parent went away (even by SIGKILL): the IPC channel closes, and this process follows. Kept
// branches are closed first (a clean shutdown of each, so the next open needs no recovery).
const leave = () => {
  if (!dataRoot) process.exit(0);
  const timer = setTimeout(() => process.exit(0), 10_000);
  ops.shutdown().finally(() => {
    clearTimeout(timer);
    process.exit(0);
  });
};
process.on("disconnect", leave);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, leave);
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
    let spare = await PGlite.create({ postgresqlconf: POSTGRESQL_CONF });
    const tar = await spare.dumpDataDir("none");
    // Kept branches live on disk: an in-memory spare would never be used.
    if (dataRoot) spare = await spare.close().then(() => undefined);
    console.error(`[pglite-worker] empty-cluster template ready in ${Date.now() - started} ms`);
    return { tar, spare };
  })();
  return template;
}

const PROTOCOL_3_0 = 196608;
/** The pglite-socket handler a message came from (set on the message by the patched queue). */
const HANDLER = Symbol("lakebase.handler");

/** A simple-query (Q) message. */
function queryMessage(sql) {
  const body = Buffer.from(`${sql}\0`, "utf8");
  const message = Buffer.alloc(5 + body.length);
  message.write("Q", 0, "latin1");
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return new Uint8Array(message);
}

/** An ErrorResponse (E), as the server sends it. */
function errorMessage(severity, code, text) {
  const fields = Buffer.from(`S${severity}\0V${severity}\0C${code}\0M${text}\0\0`, "utf8");
  const message = Buffer.alloc(5 + fields.length);
  message.write("E", 0, "latin1");
  message.writeInt32BE(4 + fields.length, 1);
  fields.copy(message, 5);
  return message;
}

/** Splits a buffer of whole backend messages into [{type, bytes, body}]. */
function backendMessages(buffer) {
  const out = [];
  let offset = 0;
  while (offset + 5 <= buffer.length) {
    const size = 1 + buffer.readInt32BE(offset + 1);
    if (size < 5 || offset + size > buffer.length) break;
    out.push({ type: String.fromCharCode(buffer[offset]), bytes: buffer.subarray(offset, offset + size), body: buffer.subarray(offset + 5, offset + size) });
    offset += size;
  }
  return out;
}

/** The `user` of a StartupMessage (protocol 3.0), or undefined for any other message. */
function startupUser(message) {
  if (message.length < 8) return undefined;
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (bytes.readInt32BE(0) !== bytes.length || bytes.readInt32BE(4) !== PROTOCOL_3_0) return undefined;
  const parts = bytes.toString("utf8", 8).split("\0");
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i] === "user") return parts[i + 1];
  return "";
}

function quoteIdent(name) {
  return `"${String(name).replace(/"/g, '""')}"`;
}

/**
 * Wraps a PGlite instance for a pglite-socket server so that every connection runs as its own
 * role (see the header). Relies on two details of pglite-socket 0.2.17 (pinned with PGlite):
 * handlers hand each message to `server.queryQueue.enqueue(handlerId, message, onData)`, and the
 * queue runs it as `db.runExclusive(() => db.execProtocolRawStream(message, …))` with the same
 * message object. `attach(server)` checks both and fails loudly if they change.
 */
function withIdentities(db) {
  /** handler id → the role its connection logged in as */
  const roles = new Map();
  /** The session's role as last set here (PGlite starts as `postgres`). */
  let sessionRole = "postgres";
  /** The pglite-socket server, to close a refused connection as the server would after FATAL. */
  let socketServer;

  /** FATAL 28000 to the connection, then closes it (after this exclusive section). */
  function refuse(handler, role, onRawData) {
    roles.set(handler, undefined);
    onRawData(new Uint8Array(errorMessage("FATAL", "28000", `role "${role ?? ""}" does not exist`)));
    setImmediate(() => {
      for (const h of socketServer?.handlers ?? []) if (h.handlerId === handler) h.detach(true).catch(() => {});
    });
  }

  /** Runs one statement on the session; its answer goes nowhere except ParameterStatus and errors, returned. */
  async function internal(sql) {
    const chunks = [];
    await db.execProtocolRawStream(queryMessage(sql), { onRawData: (chunk) => chunks.push(Buffer.from(chunk)) });
    const messages = backendMessages(Buffer.concat(chunks));
    const error = messages.find((m) => m.type === "E");
    let failure;
    if (error) {
      const fields = {};
      for (const part of error.body.toString("utf8").split("\0")) if (part) fields[part[0]] = part.slice(1);
      failure = { code: fields.C ?? "XX000", message: fields.M ?? "error" };
    }
    return { failure, parameters: messages.filter((m) => m.type === "S").map((m) => m.bytes) };
  }

  /** Makes `role` the session's role (between transactions); the ParameterStatus messages it caused. */
  async function become(role) {
    if (role === sessionRole || db.isInTransaction()) return { parameters: [] };
    const result = await internal(`SET SESSION AUTHORIZATION ${quoteIdent(role)}`);
    if (!result.failure) sessionRole = role;
    return result;
  }

  async function execProtocolRawStream(message, options = {}) {
    const handler = message?.[HANDLER];
    const onRawData = options.onRawData ?? (() => {});
    const user = handler === undefined ? undefined : startupUser(message);
    if (user !== undefined) {
      // A connection's StartupMessage: PGlite answers it (as postgres); then the session takes the
      // connection's role, and the client gets the ParameterStatus of that change before ReadyForQuery.
      const role = user || "postgres";
      roles.set(handler, role);
      const chunks = [];
      await db.execProtocolRawStream(message, { ...options, onRawData: (chunk) => chunks.push(Buffer.from(chunk)) });
      const reply = backendMessages(Buffer.concat(chunks));
      const switched = await become(role);
      // The proxy checked the role first; it was dropped since.
      if (switched.failure) return refuse(handler, role, onRawData);
      const ready = reply.findLastIndex((m) => m.type === "Z");
      const out = reply.map((m) => m.bytes);
      if (ready >= 0) out.splice(ready, 0, ...switched.parameters);
      onRawData(new Uint8Array(Buffer.concat(out)));
      return;
    }
    if (handler !== undefined && roles.has(handler)) {
      const role = roles.get(handler);
      const switched = role === undefined ? { failure: true } : await become(role);
      // Its role is gone (dropped while connected): refuse rather than run as another role.
      if (switched.failure) return refuse(handler, role, onRawData);
    }
    return db.execProtocolRawStream(message, options);
  }

  const wrapped = new Proxy(db, {
    get(target, property) {
      if (property === "execProtocolRawStream") return execProtocolRawStream;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });

  /** Tags each queued message with its handler; forgets a handler's role when it goes away. */
  function attach(server) {
    socketServer = server;
    const queue = server.queryQueue;
    if (!queue || typeof queue.enqueue !== "function" || typeof queue.clearQueueForHandler !== "function" || queue.db !== wrapped) {
      throw new Error("pglite-socket internals changed (queryQueue.enqueue/clearQueueForHandler/db): per-connection roles cannot be set up");
    }
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = (handlerId, message, onData) => {
      if (message && typeof message === "object") message[HANDLER] = handlerId;
      return enqueue(handlerId, message, onData);
    };
    const clear = queue.clearQueueForHandler.bind(queue);
    queue.clearQueueForHandler = (handlerId) => {
      roles.delete(handlerId);
      return clear(handlerId);
    };
  }

  return { db: wrapped, attach };
}

async function serve(branchId, db) {
  const index = ++counter;
  let server;
  let address;
  let dir;
  const identities = withIdentities(db);
  if (socketRoot) {
    dir = join(socketRoot, `b${index}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    address = { host: dir, port: 5432 };
    server = new PGLiteSocketServer({ db: identities.db, path: join(dir, ".s.PGSQL.5432"), maxConnections });
    identities.attach(server);
    await server.start();
  } else {
    server = new PGLiteSocketServer({ db: identities.db, host: "127.0.0.1", port: 0, maxConnections });
    identities.attach(server);
    await server.start();
    const conn = server.getServerConn();
    address = { host: "127.0.0.1", port: Number(conn.slice(conn.lastIndexOf(":") + 1)) };
  }
  branches.set(branchId, { db, server, address, dir });
  return address;
}

/** Where a kept branch's files live (ids are `br-…` / `snapshot-…`, checked to be safe file names). */
function keptDir(branchId) {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(branchId)) throw new Error(`branch id "${branchId}" cannot name a directory`);
  return join(dataRoot, branchId);
}

/** A new instance from a dump: on disk at the branch's kept directory (cleared first), else in memory. */
async function newInstance(load, branchId) {
  if (!dataRoot) return PGlite.create({ loadDataDir: load, postgresqlconf: POSTGRESQL_CONF });
  const dir = keptDir(branchId);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dataRoot, { recursive: true, mode: 0o700 });
  return PGlite.create({ dataDir: dir, loadDataDir: load, postgresqlconf: POSTGRESQL_CONF });
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

/** Stops a branch's server and closes its instance (a kept one is flushed to disk by the close). */
async function closeBranch(branchId) {
  const branch = branches.get(branchId);
  if (!branch) return;
  branches.delete(branchId);
  await branch.server.stop().catch(() => {});
  await branch.db.close().catch(() => {});
  if (branch.dir) rmSync(branch.dir, { recursive: true, force: true });
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
      return newInstance(t.tar, branchId);
    });
  },

  async fork({ parentId, childId }) {
    const parent = branches.get(parentId);
    if (!parent) throw new Error(`branch "${parentId}" does not exist in the Postgres backend`);
    return claim(childId, async () => {
      // dumpDataDir runs under PGlite's query lock: committed data only, no half-done query.
      const tar = await parent.db.dumpDataDir("none");
      return newInstance(tar, childId);
    });
  },

  /** Kept data: opens the branch an earlier run left at <dataRoot>/<branchId>. */
  async restore({ branchId }) {
    if (!dataRoot) throw new Error("this PGlite engine keeps no data (no data directory)");
    const dir = keptDir(branchId);
    if (!existsSync(join(dir, "PG_VERSION"))) throw new Error(`no PGlite data at ${dir}`);
    return claim(branchId, () => PGlite.create({ dataDir: dir, postgresqlconf: POSTGRESQL_CONF }));
  },

  /** Deletes a branch: its server, its instance and, when kept, its files. */
  async drop({ branchId }) {
    await closeBranch(branchId);
    if (dataRoot) rmSync(keptDir(branchId), { recursive: true, force: true });
  },

  async stats() {
    return { pid: process.pid, branches: branches.size, rss: process.memoryUsage().rss };
  },

  async shutdown() {
    shuttingDown = true;
    const all = [...branches.keys()];
    // Closed, not dropped: kept branches stay on disk for the next run.
    await Promise.all(all.map((branchId) => closeBranch(branchId)));
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
