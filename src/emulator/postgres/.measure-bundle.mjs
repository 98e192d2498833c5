// src/emulator/postgres/pglite.ts
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// src/emulator/postgres/lifecycle.ts
import { readFileSync, rmSync } from "node:fs";
var live = /* @__PURE__ */ new Set();
var SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
var hooked = false;
function reapAll() {
  for (const item of [...live]) {
    try {
      item.reapSync();
    } catch {
    }
  }
  live.clear();
}
function onExit() {
  reapAll();
}
function onSignal(signal) {
  reapAll();
  unhook();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
function hook() {
  if (hooked) return;
  hooked = true;
  process.on("exit", onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}
function unhook() {
  if (!hooked) return;
  hooked = false;
  process.off("exit", onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
function track(item) {
  live.add(item);
  hook();
}
function untrack(item) {
  live.delete(item);
  if (live.size === 0) unhook();
}
function killPid(pid, signal = "SIGKILL") {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
  }
}
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
function removeDirSync(dir) {
  if (!dir) return;
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  } catch {
  }
}
function unprivilegedUser() {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return void 0;
  let passwd = "";
  try {
    passwd = readFileSync("/etc/passwd", "utf8");
  } catch {
    return "missing";
  }
  const users = /* @__PURE__ */ new Map();
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user && uid && gid && Number(uid) > 0) users.set(user, { user, uid: Number(uid), gid: Number(gid) });
  }
  return users.get("postgres") ?? users.get("nobody") ?? "missing";
}

// src/emulator/postgres/proxy.ts
import { createServer } from "node:net";

// src/emulator/postgres/protocol.ts
var SSL_REQUEST = 80877103;
var GSSENC_REQUEST = 80877104;
var CANCEL_REQUEST = 80877102;
var MAX_STARTUP_LENGTH = 1e4;
function parseStartupPacket(packet) {
  if (packet.length < 8) return { kind: "invalid", reason: "invalid length of startup packet" };
  const code = packet.readInt32BE(4);
  if (code === SSL_REQUEST && packet.length === 8) return { kind: "ssl" };
  if (code === GSSENC_REQUEST && packet.length === 8) return { kind: "gssenc" };
  if (code === CANCEL_REQUEST && packet.length === 16) return { kind: "cancel", raw: Buffer.from(packet) };
  if (code >>> 16 !== 3) return { kind: "unsupported", version: code };
  const params = /* @__PURE__ */ new Map();
  let offset = 8;
  while (offset < packet.length) {
    const keyEnd = packet.indexOf(0, offset);
    if (keyEnd < 0) return { kind: "invalid", reason: "invalid startup packet layout: expected terminator as last byte" };
    if (keyEnd === offset) {
      if (keyEnd !== packet.length - 1) return { kind: "invalid", reason: "invalid startup packet layout: expected terminator as last byte" };
      return { kind: "startup", version: code, params };
    }
    const valueEnd = packet.indexOf(0, keyEnd + 1);
    if (valueEnd < 0) return { kind: "invalid", reason: "invalid startup packet layout: expected terminator as last byte" };
    params.set(packet.toString("utf8", offset, keyEnd), packet.toString("utf8", keyEnd + 1, valueEnd));
    offset = valueEnd + 1;
  }
  return { kind: "invalid", reason: "invalid startup packet layout: expected terminator as last byte" };
}
function encodeStartup(version, params) {
  const parts = [];
  for (const [key, value] of params) parts.push(Buffer.from(`${key}\0${value}\0`, "utf8"));
  parts.push(Buffer.from([0]));
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(version, 4);
  return Buffer.concat([header, body]);
}
function authenticationCleartextPassword() {
  const message = Buffer.alloc(9);
  message.write("R", 0, "latin1");
  message.writeInt32BE(8, 1);
  message.writeInt32BE(3, 5);
  return message;
}
function errorResponse(severity, code, message) {
  const fields = Buffer.from(`S${severity}\0V${severity}\0C${code}\0M${message}\0\0`, "utf8");
  const header = Buffer.alloc(5);
  header.write("E", 0, "latin1");
  header.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([header, fields]);
}
function typedMessage(buffer) {
  if (buffer.length < 5) return void 0;
  const length = buffer.readInt32BE(1);
  if (length < 4) return { type: String.fromCharCode(buffer[0] ?? 0), body: Buffer.alloc(0), size: -1 };
  if (buffer.length < 1 + length) return void 0;
  return { type: String.fromCharCode(buffer[0] ?? 0), body: buffer.subarray(5, 1 + length), size: 1 + length };
}
var MessageBoundaryTracker = class {
  /** Bytes still owed to the current message's body. */
  remaining = 0;
  /** Bytes of the current 5-byte header seen so far. */
  header = Buffer.alloc(0);
  push(chunk) {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const take2 = Math.min(this.remaining, chunk.length - offset);
        this.remaining -= take2;
        offset += take2;
        continue;
      }
      const take = Math.min(5 - this.header.length, chunk.length - offset);
      this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + take)]);
      offset += take;
      if (this.header.length === 5) {
        this.remaining = Math.max(0, this.header.readInt32BE(1) - 4);
        this.header = Buffer.alloc(0);
      }
    }
  }
  /** True between two messages. */
  get atBoundary() {
    return this.remaining === 0 && this.header.length === 0;
  }
};

// src/emulator/postgres/proxy.ts
var HANDSHAKE_TIMEOUT_MS = 3e4;
var FLUSH_GRACE_MS = 2e3;
var noop = () => {
};
var HandshakeReader = class {
  constructor(socket) {
    this.socket = socket;
    socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("close", this.onEnd);
  }
  socket;
  buffer = Buffer.alloc(0);
  wake;
  ended = false;
  onData = (chunk) => {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.wake?.();
  };
  onEnd = () => {
    this.ended = true;
    this.wake?.();
  };
  /** Waits until `parse` recognises something at the front of the buffer; `undefined` on EOF. */
  async until(parse) {
    for (; ; ) {
      const result = parse(this.buffer);
      if (result !== void 0) return result;
      if (this.ended) return void 0;
      await new Promise((resolve) => this.wake = resolve);
      this.wake = void 0;
    }
  }
  take(length) {
    const head = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return head;
  }
  /** Stops buffering and returns whatever arrived beyond the handshake (pipelined messages). */
  detach() {
    this.socket.pause();
    this.socket.off("data", this.onData);
    this.socket.off("end", this.onEnd);
    this.socket.off("close", this.onEnd);
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest;
  }
};
var ProxyConnection = class {
  constructor(client, listener) {
    this.client = client;
    this.listener = listener;
  }
  client;
  listener;
  upstream;
  bridged = false;
  closing = false;
  tracker = new MessageBoundaryTracker();
  released = false;
  /** Runs the startup phase; on success the connection is bridged to the upstream. */
  async handshake() {
    const { client } = this;
    const reader = new HandshakeReader(client);
    const timer = setTimeout(() => this.kill(), HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    try {
      let startup;
      while (!startup) {
        const length = await reader.until((b) => b.length >= 4 ? b.readInt32BE(0) : void 0);
        if (length === void 0 || this.closing) return;
        if (length < 8 || length > MAX_STARTUP_LENGTH) return this.fail("08P01", "invalid length of startup packet");
        const packet = await reader.until((b) => b.length >= length ? true : void 0);
        if (packet === void 0 || this.closing) return;
        const parsed = parseStartupPacket(reader.take(length));
        switch (parsed.kind) {
          case "ssl":
          case "gssenc":
            client.write("N");
            continue;
          case "cancel":
            this.forwardCancel(parsed.raw);
            return;
          case "unsupported":
            return this.fail(
              "0A000",
              `unsupported frontend protocol ${parsed.version >>> 16}.${parsed.version & 65535}: server supports 3.0 to 3.0`
            );
          case "invalid":
            return this.fail("08P01", parsed.reason);
          case "startup":
            startup = parsed;
        }
      }
      const user = startup.params.get("user") ?? "";
      if (!user) return this.fail("28000", "no PostgreSQL user name specified in startup packet");
      const database = startup.params.get("database") || user;
      if (this.listener.refuseWhileWaking()) return this.fail("57P03", "the database system is starting up");
      client.write(authenticationCleartextPassword());
      const reply = await reader.until(typedMessage);
      if (reply === void 0 || this.closing) return;
      if (reply.size < 0 || reply.type !== "p") {
        return this.fail("08P01", `expected password response, got message type ${reply.type.charCodeAt(0)}`);
      }
      reader.take(reply.size);
      const end = reply.body.indexOf(0);
      const password = reply.body.toString("utf8", 0, end < 0 ? reply.body.length : end);
      const authFailed = `password authentication failed for user "${user}"`;
      if (!password) return this.fail("28P01", authFailed);
      let admitted = false;
      try {
        admitted = await this.listener.options.authenticate(user, password, database) === true;
      } catch (error) {
        this.listener.log(`authenticate() threw for user "${user}": ${String(error)}`);
      }
      if (this.closing) return;
      if (!admitted) return this.fail("28P01", authFailed);
      const upstreamDatabase = this.listener.upstream.mapDatabase(database);
      if (upstreamDatabase === void 0) return this.fail("3D000", `database "${database}" does not exist`);
      if (this.listener.upstream.acquire && !this.listener.upstream.acquire()) {
        return this.fail("53300", "sorry, too many clients already");
      }
      this.released = !this.listener.upstream.acquire;
      const params = new Map(startup.params);
      params.set("user", this.listener.upstream.user);
      params.set("database", upstreamDatabase);
      const pipelined = reader.detach();
      this.bridge(encodeStartup(startup.version, params), pipelined);
    } finally {
      clearTimeout(timer);
    }
  }
  bridge(startup, pipelined) {
    const { client } = this;
    let upstream;
    try {
      upstream = this.listener.upstream.connect();
    } catch (error) {
      this.release();
      return this.fail("08006", `could not reach the branch's server: ${String(error)}`);
    }
    this.upstream = upstream;
    this.bridged = true;
    upstream.setNoDelay(true);
    let heardUpstream = false;
    upstream.write(startup);
    if (pipelined.length > 0) upstream.write(pipelined);
    upstream.on("data", (chunk) => {
      heardUpstream = true;
      this.tracker.push(chunk);
      if (!client.write(chunk)) upstream.pause();
    });
    client.on("drain", () => upstream.resume());
    client.on("data", (chunk) => {
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on("drain", () => client.resume());
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    upstream.on("error", (error) => {
      if (this.closing) return;
      if (!heardUpstream) {
        this.listener.log(`upstream connection failed: ${error.message}`);
        this.closing = true;
        client.end(errorResponse("FATAL", "08006", `could not reach the branch's server: ${error.message}`));
      } else {
        client.destroy();
      }
    });
    upstream.on("close", (hadError) => {
      this.release();
      if (this.closing) return;
      if (hadError) client.destroy();
      else {
        client.end();
        setTimeout(() => client.destroy(), FLUSH_GRACE_MS).unref();
      }
    });
    client.on("close", () => {
      this.release();
      upstream.destroy();
    });
    client.resume();
  }
  forwardCancel(raw) {
    try {
      const socket = this.listener.upstream.connect();
      socket.on("error", noop);
      socket.end(raw);
    } catch {
    }
    this.client.end();
  }
  /** Sends a FATAL ErrorResponse and closes the connection. */
  fail(code, message) {
    this.closing = true;
    this.client.end(errorResponse("FATAL", code, message));
    setTimeout(() => this.client.destroy(), FLUSH_GRACE_MS).unref();
  }
  release() {
    if (this.released) return;
    this.released = true;
    this.listener.upstream.release?.();
  }
  /** Scale-to-zero: tell the client the server is going away (when between messages), then close. */
  terminate() {
    if (this.closing) return;
    this.closing = true;
    const { upstream, client } = this;
    if (upstream) {
      upstream.removeAllListeners("data");
      upstream.removeAllListeners("end");
      upstream.on("error", noop);
      upstream.destroy();
    }
    if (this.bridged && this.tracker.atBoundary && client.writable) {
      client.end(errorResponse("FATAL", "57P01", "terminating connection due to administrator command"));
      setTimeout(() => client.destroy(), FLUSH_GRACE_MS).unref();
    } else {
      client.destroy();
    }
  }
  /** Fault injection: abrupt close (TCP reset) of the client socket and of its upstream. */
  kill() {
    this.closing = true;
    this.upstream?.destroy();
    if (typeof this.client.resetAndDestroy === "function" && !this.client.destroyed) this.client.resetAndDestroy();
    else this.client.destroy();
  }
};
var ProxyListener = class {
  constructor(upstream, options) {
    this.upstream = upstream;
    this.options = options;
    this.server = createServer((socket) => this.accept(socket));
    this.server.on("error", (error) => this.log(`endpoint listener error: ${error.message}`));
  }
  upstream;
  options;
  host = "127.0.0.1";
  actualPort = 0;
  connections = /* @__PURE__ */ new Set();
  isSuspended = false;
  wakeTimer;
  closed = false;
  server;
  get port() {
    return this.actualPort;
  }
  get suspended() {
    return this.isSuspended;
  }
  log(message) {
    this.options.log?.(message);
  }
  async listen() {
    await new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address === null || typeof address === "string") throw new Error("endpoint listener has no TCP address");
    this.actualPort = address.port;
    return this;
  }
  accept(socket) {
    if (this.closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.on("error", noop);
    const connection = new ProxyConnection(socket, this);
    this.connections.add(connection);
    socket.once("close", () => this.connections.delete(connection));
    connection.handshake().catch((error) => {
      this.log(`endpoint handshake failed: ${String(error)}`);
      connection.kill();
    });
  }
  /**
   * Called for every authenticated-to-be connection attempt: while suspended, the first attempt
   * starts the wake-up clock and every attempt before it runs out is refused (57P03).
   */
  refuseWhileWaking() {
    if (!this.isSuspended) return false;
    if (!this.wakeTimer) {
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = void 0;
        this.isSuspended = false;
      }, this.options.wakeUpMs ?? 1e3);
      this.wakeTimer.unref();
    }
    return true;
  }
  suspend() {
    if (this.closed) return;
    this.isSuspended = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = void 0;
    for (const connection of this.connections) connection.terminate();
  }
  dropConnections() {
    for (const connection of this.connections) connection.kill();
  }
  async close() {
    if (this.closed) return;
    this.closed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = void 0;
    const stopped = new Promise((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.kill();
    await stopped;
    this.options.onClose?.();
  }
};
async function openProxyListener(upstream, options) {
  return new ProxyListener(upstream, options).listen();
}

// src/emulator/postgres/sql.ts
var pgModule;
function loadPg() {
  pgModule ??= import("pg").catch((error) => {
    pgModule = void 0;
    throw new Error(
      `The Lakebase emulator needs the "pg" package (an optional peer dependency of lakebase-sdk): npm install pg. (${String(error)})`
    );
  });
  return pgModule;
}
function socketPath(address) {
  return address.host.startsWith("/") ? `${address.host}/.s.PGSQL.${address.port}` : void 0;
}
async function runSql(address, database, sql, params) {
  const pg = await loadPg();
  const config = {
    host: address.host,
    port: address.port,
    user: "postgres",
    password: "",
    database,
    ssl: false,
    application_name: "lakebase-emulator"
  };
  const client = new pg.Client(config);
  client.on("error", () => {
  });
  await client.connect();
  try {
    const result = await client.query(sql, params);
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { rows: last?.rows ?? [] };
  } finally {
    await client.end().catch(() => {
    });
  }
}
function quoteIdent(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

// src/emulator/postgres/pglite.ts
var DEFAULT_DATABASE = "databricks_postgres";
var PGLITE_MAX_CLIENT_CONNECTIONS = 16;
var SERVER_MAX_CONNECTIONS = 2 * PGLITE_MAX_CLIENT_CONNECTIONS;
var START_TIMEOUT_MS = 3e4;
var WORKER_FILE = "pglite-worker.mjs";
function pgliteWorkerPath() {
  const dirs = [];
  try {
    dirs.push(dirname(fileURLToPath(import.meta.url)));
  } catch {
  }
  if (typeof __dirname === "string") dirs.push(__dirname);
  const candidates = dirs.flatMap((dir) => [join(dir, WORKER_FILE), join(dir, "..", WORKER_FILE)]);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`the PGlite worker script (${WORKER_FILE}) was not found; looked at ${candidates.join(", ")}`);
  return found;
}
function sqlError(code, message) {
  return Object.assign(new Error(message), { code });
}
var PgliteBackend = class _PgliteBackend {
  constructor(child, tempDir, log) {
    this.child = child;
    this.tempDir = tempDir;
    this.log = log;
    this.exit = new Promise((resolve) => child.once("exit", () => resolve()));
    child.on("error", (error) => log(`PGlite worker error: ${error.message}`));
    child.on("message", (message) => {
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
  child;
  tempDir;
  log;
  engine = "pglite";
  branches = /* @__PURE__ */ new Map();
  pending = /* @__PURE__ */ new Map();
  nextId = 1;
  closing;
  exited = false;
  exit;
  static async start(log) {
    const worker = pgliteWorkerPath();
    const tempDir = await mkdtemp(join(tmpdir(), "lakebase-pglite-"));
    const socketRoot = process.platform === "win32" ? "" : tempDir;
    const child = fork(worker, [socketRoot, String(SERVER_MAX_CONNECTIONS)], {
      execArgv: [],
      // not the parent's flags (inspectors, loaders of a test runner)
      serialization: "advanced",
      stdio: ["ignore", "pipe", "pipe", "ipc"]
    });
    const backend = new _PgliteBackend(child, tempDir, log);
    track(backend);
    const forward = (chunk) => {
      for (const line of chunk.toString().split("\n")) if (line.trim()) log(`[pglite] ${line.trim()}`);
    };
    let tail = "";
    child.stdout?.on("data", forward);
    child.stderr?.on("data", (chunk) => {
      tail = (tail + chunk.toString()).slice(-2e3);
      forward(chunk);
    });
    try {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the PGlite worker did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
        const onMessage = (message) => {
          if (message?.ready === void 0) return;
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
      child.stdout?.unref?.();
      child.stderr?.unref?.();
      backend.holdOpen();
      return backend;
    } catch (error) {
      await backend.close();
      throw error;
    }
  }
  call(op, args = {}) {
    if (this.exited) return Promise.reject(new Error("the PGlite worker is not running"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
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
  holdOpen() {
    const busy = this.pending.size > 0;
    const channel = this.child.channel;
    if (busy) channel?.ref();
    else channel?.unref();
  }
  /** Diagnostics (tests): every child process id currently alive. */
  processes() {
    return this.child.pid && !this.exited ? [this.child.pid] : [];
  }
  branch(branchId) {
    const branch = this.branches.get(branchId);
    if (!branch) throw new Error(`branch "${branchId}" does not exist in the Postgres backend`);
    return branch;
  }
  assertOpen() {
    if (this.closing) throw new Error("the Postgres backend is closed");
  }
  register(branchId, address, databases) {
    this.branches.set(branchId, { address, databases: new Set(databases), active: 0, listeners: /* @__PURE__ */ new Set() });
  }
  async createBranch(branchId) {
    this.assertOpen();
    const address = await this.call("create", { branchId });
    this.register(branchId, address, [DEFAULT_DATABASE]);
  }
  async forkBranch(parentId, childId) {
    this.assertOpen();
    const parent = this.branch(parentId);
    const databases = [...parent.databases];
    const address = await this.call("fork", { parentId, childId });
    this.register(childId, address, databases);
  }
  async dropBranch(branchId) {
    this.assertOpen();
    const branch = this.branches.get(branchId);
    if (!branch) return;
    this.branches.delete(branchId);
    await Promise.all([...branch.listeners].map((listener) => listener.close()));
    await this.call("drop", { branchId });
  }
  // PGlite has one database per instance (the session is always `postgres`/`postgres`), so Lakebase
  // databases of a branch are names that all lead to that one database.
  async createDatabase(branchId, name, _owner) {
    const branch = this.branch(branchId);
    if (branch.databases.has(name)) throw sqlError("42P04", `database "${name}" already exists`);
    branch.databases.add(name);
  }
  async dropDatabase(branchId, name) {
    this.branch(branchId).databases.delete(name);
  }
  async renameDatabase(branchId, from, to) {
    const branch = this.branch(branchId);
    if (!branch.databases.has(from)) throw sqlError("3D000", `database "${from}" does not exist`);
    if (branch.databases.has(to)) throw sqlError("42P04", `database "${to}" already exists`);
    branch.databases.delete(from);
    branch.databases.add(to);
  }
  async createRole(branchId, name, attributes = {}) {
    const branch = this.branch(branchId);
    const flags = [
      attributes.createdb ? "CREATEDB" : "NOCREATEDB",
      attributes.createrole ? "CREATEROLE" : "NOCREATEROLE",
      attributes.bypassrls ? "BYPASSRLS" : "NOBYPASSRLS"
    ].join(" ");
    try {
      const { rows } = await runSql(branch.address, "postgres", "SELECT 1 FROM pg_roles WHERE rolname = $1", [name]);
      const verb = rows.length > 0 ? "ALTER ROLE" : "CREATE ROLE";
      await runSql(branch.address, "postgres", `${verb} ${quoteIdent(name)}${rows.length > 0 ? "" : " NOLOGIN"} ${flags}`);
    } catch (error) {
      this.log(`createRole(${branchId}, ${name}) ignored on PGlite: ${String(error)}`);
    }
  }
  async dropRole(branchId, name) {
    const branch = this.branch(branchId);
    try {
      await runSql(branch.address, "postgres", `DROP ROLE IF EXISTS ${quoteIdent(name)}`);
    } catch (error) {
      this.log(`dropRole(${branchId}, ${name}) ignored on PGlite: ${String(error)}`);
    }
  }
  knows(branch, database) {
    return branch.databases.has(database) || database === "postgres";
  }
  async query(branchId, database, sql, params) {
    const branch = this.branch(branchId);
    if (!this.knows(branch, database)) throw sqlError("3D000", `database "${database}" does not exist`);
    return runSql(branch.address, "postgres", sql, params);
  }
  async openEndpoint(branchId, options) {
    this.assertOpen();
    const branch = this.branch(branchId);
    const path = socketPath(branch.address);
    const listener = await openProxyListener(
      {
        user: "postgres",
        mapDatabase: (database) => this.knows(branch, database) ? "postgres" : void 0,
        connect: () => path ? createConnection({ path }) : createConnection({ host: branch.address.host, port: branch.address.port }),
        acquire: () => {
          if (branch.active >= PGLITE_MAX_CLIENT_CONNECTIONS) return false;
          branch.active++;
          return true;
        },
        release: () => {
          branch.active--;
        }
      },
      { ...options, log: this.log, onClose: () => branch.listeners.delete(listener) }
    );
    branch.listeners.add(listener);
    return listener;
  }
  close() {
    this.closing ??= (async () => {
      const listeners = [...this.branches.values()].flatMap((branch) => [...branch.listeners]);
      this.branches.clear();
      await Promise.all(listeners.map((listener) => listener.close()));
      if (!this.exited) {
        this.child.ref();
        const timeout = new Promise((resolve) => setTimeout(resolve, 5e3).unref());
        await Promise.race([this.call("shutdown").catch(() => {
        }), timeout]);
        await Promise.race([this.exit, new Promise((resolve) => setTimeout(resolve, 2e3).unref())]);
        if (!this.exited) {
          this.child.kill("SIGKILL");
          await this.exit;
        }
      }
      await rm(this.tempDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {
      });
      untrack(this);
    })();
    return this.closing;
  }
  reapSync() {
    killPid(this.child.pid, "SIGKILL");
    removeDirSync(this.tempDir);
  }
};

// src/emulator/postgres/system.ts
import { spawn, execFile } from "node:child_process";
import { constants, existsSync as existsSync2, readdirSync, realpathSync } from "node:fs";
import { access, chmod, chown, copyFile, lchown, mkdir, mkdtemp as mkdtemp2, readdir, readlink, rm as rm2, statfs, symlink } from "node:fs/promises";
import { createConnection as createConnection2 } from "node:net";
import { tmpdir as tmpdir2 } from "node:os";
import { delimiter, dirname as dirname2, join as join2, sep } from "node:path";
var EXE = process.platform === "win32" ? ".exe" : "";
var DEFAULT_DATABASE2 = "databricks_postgres";
var PROTECTED_DATABASES = /* @__PURE__ */ new Set(["postgres", "template0", "template1"]);
var READY_TIMEOUT_MS = 3e4;
var STOP_TIMEOUT_MS = 1e4;
var MIN_MAJOR = 13;
var SERVER_SETTINGS = [
  "listen_addresses=",
  "fsync=off",
  "synchronous_commit=off",
  "full_page_writes=off",
  "shared_buffers=16MB",
  "min_wal_size=4MB",
  "max_wal_size=64MB",
  "max_wal_senders=4",
  "max_worker_processes=4",
  "max_parallel_workers=2"
];
function hasBinaries(dir) {
  return ["initdb", "postgres", "pg_basebackup"].every((name) => existsSync2(join2(dir, name + EXE)));
}
function versionKey(name) {
  const [major = "0", minor = "0"] = name.split(".");
  return Number(major) * 1e3 + Number(minor);
}
function candidateBinDirs(explicit) {
  if (explicit) return [explicit];
  const dirs = [];
  if (process.env.PG_BIN) dirs.push(process.env.PG_BIN);
  try {
    const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => versionKey(b) - versionKey(a));
    for (const version of versions) dirs.push(join2("/usr/lib/postgresql", version, "bin"));
  } catch {
  }
  for (const entry of (process.env.PATH ?? "").split(delimiter)) {
    if (!entry) continue;
    const initdb = join2(entry, "initdb" + EXE);
    if (!existsSync2(initdb)) continue;
    try {
      dirs.push(dirname2(realpathSync(initdb)));
    } catch {
      dirs.push(entry);
    }
  }
  return [...new Set(dirs)];
}
function execFileText(file, args, runAs) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 1e4, env: { ...process.env, LC_ALL: "C" }, ...runAs ? { uid: runAs.uid, gid: runAs.gid } : {} }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")} failed: ${String(stderr).trim() || error.message}`));
      else resolve(String(stdout));
    });
  });
}
async function detectSystemPostgres(explicit) {
  const runAs = unprivilegedUser();
  if (runAs === "missing") {
    return { error: "running as root and neither a `postgres` nor a `nobody` user exists to run PostgreSQL" };
  }
  const problems = [];
  for (const bin of candidateBinDirs(explicit)) {
    if (!hasBinaries(bin)) {
      problems.push(`${bin}: initdb/postgres/pg_basebackup not all present`);
      continue;
    }
    try {
      const version = (await execFileText(join2(bin, "postgres" + EXE), ["--version"], runAs)).trim();
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
async function scratchParent() {
  const explicit = process.env.LAKEBASE_EMULATOR_TMPDIR;
  if (explicit) return explicit;
  if (process.platform === "linux") {
    try {
      const stats = await statfs("/dev/shm");
      await access("/dev/shm", constants.W_OK);
      if (stats.bavail * stats.bsize >= 1024 ** 3) return "/dev/shm";
    } catch {
    }
  }
  return tmpdir2();
}
var WATCHDOG = [
  'while kill -0 "$1" 2>/dev/null; do sleep 1; done',
  'for f in "$2"/*/data/postmaster.pid "$2"/template/postmaster.pid; do',
  '  if [ -f "$f" ]; then kill -QUIT "$(head -n 1 "$f")" 2>/dev/null; fi',
  "done",
  "sleep 2",
  'rm -rf "$2"'
].join("\n");
var SystemBackend = class _SystemBackend {
  constructor(pg, tempDir, log) {
    this.pg = pg;
    this.tempDir = tempDir;
    this.log = log;
  }
  pg;
  tempDir;
  log;
  engine = "system";
  clusters = /* @__PURE__ */ new Map();
  counter = 0;
  watchdog;
  closing;
  /** Serialises branch-level lifecycle changes per branch id. */
  busy = /* @__PURE__ */ new Map();
  static async start(pg, log) {
    const root = await mkdtemp2(join2(await scratchParent(), "lakebase-pg-"));
    const backend = new _SystemBackend(pg, root, log);
    track(backend);
    try {
      await backend.init();
      return backend;
    } catch (error) {
      await backend.close();
      throw error;
    }
  }
  async init() {
    const started = Date.now();
    await this.own(this.tempDir);
    if (process.platform !== "win32") {
      this.watchdog = spawn("/bin/sh", ["-c", WATCHDOG, "lakebase-pg-watchdog", String(process.pid), this.tempDir], {
        detached: true,
        stdio: "ignore"
      });
      this.watchdog.on("error", () => {
      });
      this.watchdog.unref();
    }
    await this.run("initdb", [
      "-D",
      join2(this.tempDir, "template"),
      "-U",
      "postgres",
      "--auth-local=trust",
      "--auth-host=reject",
      "--no-sync",
      "--no-locale",
      "-E",
      "UTF8",
      "--wal-segsize=1"
      // 1 MiB WAL segments instead of 16: less scratch space per branch
    ]);
    this.log(`system postgres (${this.pg.version}, ${this.pg.bin}) template ready in ${Date.now() - started} ms at ${this.tempDir}`);
  }
  /** Diagnostics (tests): every child process id currently alive. */
  processes() {
    const pids = [];
    for (const cluster of this.clusters.values()) if (cluster.process?.pid) pids.push(cluster.process.pid);
    if (this.watchdog?.pid && this.watchdog.exitCode === null && this.watchdog.signalCode === null) pids.push(this.watchdog.pid);
    return pids;
  }
  spawnOptions() {
    const runAs = this.pg.runAs;
    return {
      cwd: this.tempDir,
      env: { ...process.env, LC_ALL: "C", LANG: "C" },
      ...runAs ? { uid: runAs.uid, gid: runAs.gid } : {}
    };
  }
  run(tool, args) {
    return new Promise((resolve, reject) => {
      const child = spawn(join2(this.pg.bin, tool + EXE), args, { ...this.spawnOptions(), stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout?.on("data", (chunk) => output += chunk.toString());
      child.stderr?.on("data", (chunk) => output += chunk.toString());
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`${tool} failed (${signal ?? code}): ${output.trim().split("\n").slice(-5).join(" | ")}`));
      });
    });
  }
  /** Gives a directory (created if needed) to the unprivileged server user, mode 0700. */
  async own(dir) {
    await mkdir(dir, { recursive: true, mode: 448 });
    await chmod(dir, 448);
    if (this.pg.runAs) await chown(dir, this.pg.runAs.uid, this.pg.runAs.gid);
  }
  /**
   * Copies a stopped data directory (fs.cp is several times slower on ~1000 small files): every
   * directory first, then all files in parallel; owned by the server user, modes kept by copyFile.
   */
  async copyDataDir(source, target) {
    const runAs = this.pg.runAs;
    const entries = await readdir(source, { recursive: true, withFileTypes: true });
    const relative = (entry) => {
      const parent = entry.parentPath ?? entry.path;
      return join2(parent, entry.name).slice(source.length);
    };
    const give = async (path) => {
      if (runAs) await lchown(path, runAs.uid, runAs.gid);
    };
    await mkdir(target, { mode: 448 });
    await give(target);
    const dirs = entries.filter((entry) => entry.isDirectory()).map(relative);
    dirs.sort((a, b) => a.split(sep).length - b.split(sep).length);
    for (const dir of dirs) {
      await mkdir(join2(target, dir), { mode: 448 });
      await give(join2(target, dir));
    }
    await Promise.all(
      entries.map(async (entry) => {
        const path = relative(entry);
        if (entry.isFile()) await copyFile(join2(source, path), join2(target, path));
        else if (entry.isSymbolicLink()) await symlink(await readlink(join2(source, path)), join2(target, path));
        else return;
        await give(join2(target, path));
      })
    );
  }
  newCluster(branchId) {
    const index = ++this.counter;
    const dir = join2(this.tempDir, `c${index}`);
    return {
      branchId,
      dir,
      dataDir: join2(dir, "data"),
      // Unix socket only: the "port" just names the socket file `<dir>/.s.PGSQL.<port>`.
      address: { host: dir, port: 5432 },
      process: void 0,
      exited: Promise.resolve(),
      listeners: /* @__PURE__ */ new Set()
    };
  }
  startCluster(cluster) {
    const args = ["-D", cluster.dataDir, "-p", String(cluster.address.port), "-k", cluster.dir];
    for (const setting of SERVER_SETTINGS) args.push("-c", setting);
    const child = spawn(join2(this.pg.bin, "postgres" + EXE), args, { ...this.spawnOptions(), stdio: ["ignore", "pipe", "pipe"] });
    cluster.process = child;
    cluster.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    const label = `[pg ${cluster.branchId}]`;
    return new Promise((resolve, reject) => {
      let ready = false;
      let tail = "";
      const timer = setTimeout(() => {
        if (!ready) reject(new Error(`postgres for branch ${cluster.branchId} not ready after ${READY_TIMEOUT_MS} ms: ${tail}`));
      }, READY_TIMEOUT_MS);
      const onOutput = (chunk) => {
        const text = chunk.toString();
        tail = (tail + text).slice(-2e3);
        for (const line of text.split("\n")) if (line.trim()) this.log(`${label} ${line.trim()}`);
        if (!ready && tail.includes("ready to accept connections")) {
          ready = true;
          clearTimeout(timer);
          child.unref();
          child.stdout?.unref?.();
          child.stderr?.unref?.();
          resolve();
        }
      };
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
  async stopCluster(cluster) {
    await Promise.all([...cluster.listeners].map((listener) => listener.close()));
    const child = cluster.process;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.ref();
      child.kill("SIGINT");
      const timeout = (ms) => new Promise((resolve) => setTimeout(() => resolve(false), ms).unref());
      const done = cluster.exited.then(() => true);
      if (!await Promise.race([done, timeout(STOP_TIMEOUT_MS)])) {
        child.kill("SIGQUIT");
        if (!await Promise.race([done, timeout(2e3)])) child.kill("SIGKILL");
        await Promise.race([done, timeout(2e3)]);
      }
    }
    await rm2(cluster.dir, { recursive: true, force: true, maxRetries: 3 });
  }
  exclusive(branchId, task) {
    const previous = this.busy.get(branchId) ?? Promise.resolve();
    const next = previous.catch(() => {
    }).then(task);
    this.busy.set(branchId, next);
    const cleanup = () => {
      if (this.busy.get(branchId) === next) this.busy.delete(branchId);
    };
    next.then(cleanup, cleanup);
    return next;
  }
  cluster(branchId) {
    const cluster = this.clusters.get(branchId);
    if (!cluster) throw new Error(`branch "${branchId}" does not exist in the Postgres backend`);
    return cluster;
  }
  assertOpen() {
    if (this.closing) throw new Error("the Postgres backend is closed");
  }
  async createBranch(branchId) {
    this.assertOpen();
    return this.exclusive(branchId, async () => {
      if (this.clusters.has(branchId)) throw new Error(`branch "${branchId}" already exists in the Postgres backend`);
      const cluster = this.newCluster(branchId);
      this.clusters.set(branchId, cluster);
      try {
        await this.own(cluster.dir);
        const started = Date.now();
        await this.copyDataDir(join2(this.tempDir, "template"), cluster.dataDir);
        const copied = Date.now();
        await this.startCluster(cluster);
        const running = Date.now();
        await runSql(cluster.address, "postgres", `CREATE DATABASE ${quoteIdent(DEFAULT_DATABASE2)}`);
        this.log(`branch ${branchId} created: copy ${copied - started} ms, start ${running - copied} ms, database ${Date.now() - running} ms`);
      } catch (error) {
        this.clusters.delete(branchId);
        await this.stopCluster(cluster).catch(() => {
        });
        throw error;
      }
    });
  }
  async forkBranch(parentId, childId) {
    this.assertOpen();
    const parent = this.cluster(parentId);
    return this.exclusive(childId, async () => {
      if (this.clusters.has(childId)) throw new Error(`branch "${childId}" already exists in the Postgres backend`);
      const cluster = this.newCluster(childId);
      this.clusters.set(childId, cluster);
      try {
        await this.own(cluster.dir);
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
          "-w"
        ]);
        const copied = Date.now();
        await this.startCluster(cluster);
        this.log(`branch ${childId} forked from ${parentId}: copy ${copied - started} ms, start ${Date.now() - copied} ms`);
      } catch (error) {
        this.clusters.delete(childId);
        await this.stopCluster(cluster).catch(() => {
        });
        throw error;
      }
    });
  }
  async dropBranch(branchId) {
    this.assertOpen();
    return this.exclusive(branchId, async () => {
      const cluster = this.clusters.get(branchId);
      if (!cluster) return;
      this.clusters.delete(branchId);
      await this.stopCluster(cluster);
    });
  }
  /** Ends the other sessions on a database so DROP/RENAME can proceed (retrying while they go away). */
  async withoutSessions(cluster, database, statement) {
    for (let attempt = 0; ; attempt++) {
      await runSql(
        cluster.address,
        "postgres",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [database]
      );
      try {
        await runSql(cluster.address, "postgres", statement);
        return;
      } catch (error) {
        if (error.code !== "55006" || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
  async createDatabase(branchId, name, owner) {
    const cluster = this.cluster(branchId);
    let ownerClause = "";
    if (owner) {
      const { rows } = await runSql(cluster.address, "postgres", "SELECT 1 FROM pg_roles WHERE rolname = $1", [owner]);
      if (rows.length > 0) ownerClause = ` OWNER ${quoteIdent(owner)}`;
      else this.log(`createDatabase(${branchId}, ${name}): owner role "${owner}" does not exist; the database is owned by postgres`);
    }
    await runSql(cluster.address, "postgres", `CREATE DATABASE ${quoteIdent(name)}${ownerClause}`);
  }
  async dropDatabase(branchId, name) {
    const cluster = this.cluster(branchId);
    if (PROTECTED_DATABASES.has(name)) throw new Error(`database "${name}" is reserved and cannot be dropped`);
    await this.withoutSessions(cluster, name, `DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  }
  async renameDatabase(branchId, from, to) {
    const cluster = this.cluster(branchId);
    if (PROTECTED_DATABASES.has(from)) throw new Error(`database "${from}" is reserved and cannot be renamed`);
    await this.withoutSessions(cluster, from, `ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`);
  }
  async createRole(branchId, name, attributes = {}) {
    const cluster = this.cluster(branchId);
    const flags = [
      attributes.createdb ? "CREATEDB" : "NOCREATEDB",
      attributes.createrole ? "CREATEROLE" : "NOCREATEROLE",
      attributes.bypassrls ? "BYPASSRLS" : "NOBYPASSRLS"
    ].join(" ");
    const { rows } = await runSql(cluster.address, "postgres", "SELECT 1 FROM pg_roles WHERE rolname = $1", [name]);
    if (rows.length > 0) await runSql(cluster.address, "postgres", `ALTER ROLE ${quoteIdent(name)} ${flags}`);
    else await runSql(cluster.address, "postgres", `CREATE ROLE ${quoteIdent(name)} NOLOGIN ${flags}`);
  }
  async dropRole(branchId, name) {
    const cluster = this.cluster(branchId);
    if (name === "postgres") throw new Error('role "postgres" is reserved and cannot be dropped');
    const drop = `DROP ROLE IF EXISTS ${quoteIdent(name)}`;
    try {
      await runSql(cluster.address, "postgres", drop);
    } catch (error) {
      if (error.code !== "2BP01") throw error;
      const { rows } = await runSql(cluster.address, "postgres", "SELECT datname FROM pg_database WHERE datallowconn");
      for (const row of rows) {
        await runSql(cluster.address, String(row.datname), `REASSIGN OWNED BY ${quoteIdent(name)} TO postgres; DROP OWNED BY ${quoteIdent(name)}`);
      }
      await runSql(cluster.address, "postgres", drop);
    }
  }
  async query(branchId, database, sql, params) {
    return runSql(this.cluster(branchId).address, database, sql, params);
  }
  async openEndpoint(branchId, options) {
    this.assertOpen();
    const cluster = this.cluster(branchId);
    const path = `${cluster.address.host}/.s.PGSQL.${cluster.address.port}`;
    const listener = await openProxyListener(
      {
        user: "postgres",
        // Databases are real per-branch databases with their Lakebase names: no rewrite; the server answers 3D000 itself.
        mapDatabase: (database) => database,
        connect: () => createConnection2({ path })
      },
      { ...options, log: this.log, onClose: () => cluster.listeners.delete(listener) }
    );
    cluster.listeners.add(listener);
    return listener;
  }
  close() {
    this.closing ??= (async () => {
      await Promise.all([...this.busy.values()].map((task) => task.catch(() => {
      })));
      const clusters = [...this.clusters.values()];
      this.clusters.clear();
      await Promise.all(clusters.map((cluster) => this.stopCluster(cluster).catch((error) => this.log(String(error)))));
      await rm2(this.tempDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {
      });
      const watchdog = this.watchdog;
      if (watchdog?.pid && watchdog.exitCode === null && watchdog.signalCode === null) {
        watchdog.ref();
        const gone = new Promise((resolve) => watchdog.once("exit", () => resolve()));
        killPid(-watchdog.pid, "SIGKILL");
        await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 2e3).unref())]);
      }
      untrack(this);
    })();
    return this.closing;
  }
  reapSync() {
    for (const cluster of this.clusters.values()) killPid(cluster.process?.pid, "SIGQUIT");
    removeDirSync(this.tempDir);
  }
  /** Diagnostics: true while any server process of this backend is alive. */
  anyAlive() {
    return this.processes().some(isAlive);
  }
};

// src/emulator/postgres/index.ts
async function startPostgresBackend(options = {}) {
  const log = options.log ?? (() => {
  });
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
export {
  startPostgresBackend
};
