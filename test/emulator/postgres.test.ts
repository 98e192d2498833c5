// The emulator's Postgres layer against both engines: real pg clients through the token proxy.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgresBackend, type EndpointListener, type EngineKind, type PostgresBackend } from "../../src/emulator/postgres/index.js";
import { isAlive } from "../../src/emulator/postgres/lifecycle.js";
import { detectSystemPostgres } from "../../src/emulator/postgres/system.js";

const systemFound = await detectSystemPostgres();
const systemAvailable = !("error" in systemFound);
delete process.env.PGPASSWORD; // "missing password" must really be missing

const GOOD = "tok-good";
const authenticate = (_user: string, password: string): boolean => password === GOOD;

interface ConnectOptions {
  user?: string;
  password?: string;
  database?: string;
}

function client(listener: EndpointListener, options: ConnectOptions = {}): pg.Client {
  const c = new pg.Client({
    host: listener.host,
    port: listener.port,
    user: options.user ?? "alice@example.com",
    password: "password" in options ? options.password : GOOD,
    database: options.database ?? "databricks_postgres",
    ssl: false,
  });
  c.on("error", () => {}); // asserted through the promises below
  return c;
}

async function connected(listener: EndpointListener, options: ConnectOptions = {}): Promise<pg.Client> {
  const c = client(listener, options);
  await c.connect();
  return c;
}

async function connectError(listener: EndpointListener, options: ConnectOptions = {}): Promise<{ code?: string; message: string }> {
  const c = client(listener, options);
  const error = await c.connect().then(
    () => undefined,
    (e: { code?: string; message: string }) => e,
  );
  await c.end().catch(() => {});
  expect(error, "connection should have been refused").toBeInstanceOf(Error);
  return error!;
}

async function scalar(c: pg.Client, sql: string, params?: unknown[]): Promise<unknown> {
  const { rows } = await c.query(sql, params);
  return Object.values(rows[0] ?? {})[0];
}

/** Sends raw startup-phase bytes and collects the reply until the server closes or `until` matches. */
function rawExchange(port: number, bytes: Buffer, until?: (reply: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, "127.0.0.1");
    let reply = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      if (until?.(reply)) {
        socket.destroy();
        resolve(reply);
      }
    });
    socket.on("close", () => resolve(reply));
    socket.on("error", reject);
    socket.write(bytes);
  });
}

/** Every live descendant of this process (Linux /proc), e.g. postgres backends under a postmaster. */
function descendants(): number[] {
  if (!existsSync("/proc/self/stat")) return [];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const queue = [process.pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
const gssencRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30]);

describe.each(["system", "pglite"] as EngineKind[])("Postgres backend, %s engine", (engine) => {
  const skip = engine === "system" && !systemAvailable;
  let backend: PostgresBackend;
  let main: EndpointListener;
  const opened: pg.Client[] = [];
  const track = (c: pg.Client): pg.Client => (opened.push(c), c);

  beforeAll(async () => {
    if (skip) return;
    backend = await startPostgresBackend({ engine });
    await backend.createBranch("main");
    // Connections run as their login role (issue 11): the users below are roles, alice with the
    // data access of databricks_superuser (tables made by query() belong to postgres).
    await backend.createRole("main", "alice@example.com");
    await backend.createRole("main", "bob");
    await backend.query("main", "postgres", 'GRANT databricks_superuser TO "alice@example.com"');
    main = await backend.openEndpoint("main", { authenticate, wakeUpMs: 200 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(opened.map((c) => c.end().catch(() => {})));
    await backend?.close();
  }, 30_000);

  describe.skipIf(skip)("endpoints", () => {
    it("reports its engine", () => {
      expect(backend.engine).toBe(engine);
      expect(main.host).toBe("127.0.0.1");
      expect(main.port).toBeGreaterThan(0);
    });

    it("admits a good token and runs queries (ssl: false)", async () => {
      const c = track(await connected(main));
      expect(await scalar(c, "SELECT $1::int + 1", [41])).toBe(42);
      if (engine === "system") expect(await scalar(c, "SELECT current_database()")).toBe("databricks_postgres");
      await c.end();
    });

    it("passes user, password and database to authenticate()", async () => {
      const seen: string[][] = [];
      const listener = await backend.openEndpoint("main", {
        authenticate: async (user, password, database) => (seen.push([user, password, database]), password === GOOD),
      });
      const c = await connected(listener, { user: "bob" });
      await c.end();
      await listener.close();
      expect(seen).toEqual([["bob", GOOD, "databricks_postgres"]]);
    });

    it("rejects a wrong token with 28P01", async () => {
      const error = await connectError(main, { password: "tok-wrong", user: "alice@example.com" });
      expect(error.code).toBe("28P01");
      expect(error.message).toBe('password authentication failed for user "alice@example.com"');
    });

    it("rejects a missing password with 28P01", async () => {
      const error = await connectError(main, { password: undefined });
      expect(error.code).toBe("28P01");
    });

    it("answers SSLRequest and GSSENCRequest with N", async () => {
      expect((await rawExchange(main.port, sslRequest, (r) => r.length >= 1)).toString()).toBe("N");
      expect((await rawExchange(main.port, gssencRequest, (r) => r.length >= 1)).toString()).toBe("N");
      const c = new pg.Client({ host: main.host, port: main.port, user: "a", password: GOOD, database: "databricks_postgres", ssl: { rejectUnauthorized: false } });
      c.on("error", () => {});
      await expect(c.connect()).rejects.toThrow(/does not support SSL/);
    });

    it("serves databases made by createDatabase, 3D000 for unknown ones", async () => {
      await backend.createDatabase("main", "appdb");
      const c = track(await connected(main, { database: "appdb" }));
      expect(await scalar(c, "SELECT 1")).toBe(1);
      if (engine === "system") expect(await scalar(c, "SELECT current_database()")).toBe("appdb");
      await c.end();

      const error = await connectError(main, { database: "nosuchdb" });
      expect(error.code).toBe("3D000");
      expect(error.message).toBe('database "nosuchdb" does not exist');
      await expect(backend.query("main", "nosuchdb", "SELECT 1")).rejects.toMatchObject({ code: "3D000" });
    });

    it("renames and drops databases", async () => {
      await backend.createDatabase("main", "tmpdb");
      await backend.renameDatabase("main", "tmpdb", "tmpdb2");
      const c = await connected(main, { database: "tmpdb2" });
      await c.end();
      expect((await connectError(main, { database: "tmpdb" })).code).toBe("3D000");
      await backend.dropDatabase("main", "tmpdb2");
      expect((await connectError(main, { database: "tmpdb2" })).code).toBe("3D000");
    });

    it("creates and drops roles with attributes", async () => {
      await backend.createRole("main", "app@example.com", { createdb: true, bypassrls: true });
      const { rows } = await backend.query(
        "main",
        "databricks_postgres",
        "SELECT rolcanlogin, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = $1",
        ["app@example.com"],
      );
      // LOGIN: a role may stand for an identity, which logs in as it.
      expect(rows).toEqual([{ rolcanlogin: true, rolcreatedb: true, rolcreaterole: false, rolbypassrls: true }]);
      await backend.createRole("main", "app@example.com", { createrole: true }); // idempotent: updates
      await backend.dropRole("main", "app@example.com");
      const after = await backend.query("main", "databricks_postgres", "SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1", ["app@example.com"]);
      expect(after.rows[0]?.n).toBe(0);
    });

    it("runs a pool of 10 connections through 100 concurrent queries", async () => {
      const pool = new pg.Pool({ host: main.host, port: main.port, user: "alice@example.com", password: GOOD, database: "databricks_postgres", ssl: false, max: 10 });
      pool.on("error", () => {});
      try {
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) => pool.query("SELECT $1::int * 2 AS doubled, pg_sleep(0.001)", [i])),
        );
        expect(results.map((r) => r.rows[0]?.doubled)).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
        expect(pool.totalCount).toBe(10);
      } finally {
        await pool.end();
      }
    });
  });

  describe.skipIf(skip)("branches", () => {
    it("forks copy-on-write: each side diverges independently", async () => {
      await backend.query("main", "databricks_postgres", "CREATE TABLE items (id int PRIMARY KEY, name text)");
      await backend.query("main", "databricks_postgres", "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100) g");

      // An uncommitted write on the parent at fork time stays out of the child, and the parent's session survives.
      const holder = track(await connected(main));
      await holder.query("BEGIN");
      await holder.query("INSERT INTO items VALUES (1000, 'uncommitted')");

      await backend.forkBranch("main", "dev");
      await holder.query("COMMIT");
      await holder.end();

      const dev = await backend.openEndpoint("dev", { authenticate });
      const onDev = track(await connected(dev));
      expect(await scalar(onDev, "SELECT count(*)::int FROM items")).toBe(100);
      await onDev.query("DELETE FROM items WHERE id <= 10");
      await onDev.query("UPDATE items SET name = 'dev' WHERE id = 50");

      const onMain = track(await connected(main));
      expect(await scalar(onMain, "SELECT count(*)::int FROM items")).toBe(101);
      expect(await scalar(onMain, "SELECT name FROM items WHERE id = 50")).toBe("item 50");

      await onMain.query("INSERT INTO items VALUES (2000, 'main only')");
      expect(await scalar(onDev, "SELECT count(*)::int FROM items")).toBe(90);
      expect(await scalar(onDev, "SELECT count(*)::int FROM items WHERE id = 2000")).toBe(0);
      expect(await scalar(onMain, "SELECT count(*)::int FROM items")).toBe(102);
      await onDev.end();
      await onMain.end();
      await dev.close();
    });

    it("forks every database of the branch", async () => {
      await backend.createDatabase("main", "forked_db");
      await backend.query("main", "forked_db", "CREATE TABLE IF NOT EXISTS notes (body text)");
      await backend.query("main", "forked_db", "INSERT INTO notes VALUES ('hello')");
      await backend.forkBranch("main", "dev2");
      const { rows } = await backend.query("dev2", "forked_db", "SELECT body FROM notes");
      expect(rows).toEqual([{ body: "hello" }]);
      await backend.dropBranch("dev2");
      await expect(backend.query("dev2", "forked_db", "SELECT 1")).rejects.toThrow(/does not exist/);
    });

    it("makes new branches empty", async () => {
      await backend.createBranch("fresh");
      const { rows } = await backend.query("fresh", "databricks_postgres", "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'items'");
      expect(rows[0]?.n).toBe(0);
      await expect(backend.createBranch("fresh")).rejects.toThrow(/already exists/);
      await backend.dropBranch("fresh");
    });
  });

  describe.skipIf(skip)("scale to zero and faults", () => {
    it("suspend(): refuses with 57P03 while waking up, then serves", async () => {
      const open = track(await connected(main));
      const ended = new Promise<void>((resolve) => open.once("end", () => resolve()));
      main.suspend();
      expect(main.suspended).toBe(true);
      await ended; // the open connection was closed

      const started = Date.now();
      const first = await connectError(main);
      expect(first.code).toBe("57P03");
      expect(first.message).toBe("the database system is starting up");
      expect((await connectError(main)).code).toBe("57P03");
      expect(main.suspended).toBe(true);

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 250 - (Date.now() - started))));
      expect(main.suspended).toBe(false);
      const c = await connected(main);
      expect(await scalar(c, "SELECT 7")).toBe(7);
      await c.end();
    });

    it("dropConnections(): open clients error out, new connections work", async () => {
      const victim = track(await connected(main));
      const failure = new Promise<Error>((resolve) => victim.once("error", resolve));
      main.dropConnections();
      expect((await failure).message).toMatch(/terminated|ECONNRESET|closed/i);
      await expect(victim.query("SELECT 1")).rejects.toThrow();

      const fresh = await connected(main);
      expect(await scalar(fresh, "SELECT 'ok'")).toBe("ok");
      await fresh.end();
    });
  });

  describe.skipIf(skip)("close()", () => {
    it("stops every child process and removes the temp directory", async () => {
      const pids = backend.processes();
      const dir = backend.tempDir;
      expect(pids.length).toBeGreaterThan(0);
      expect(pids.every(isAlive)).toBe(true);
      expect(existsSync(dir)).toBe(true);
      const c = await connected(main); // left open on purpose
      const tree = descendants(); // postmasters, their backends and workers, the watchdog / the PGlite worker
      expect(tree).toEqual(expect.arrayContaining(pids));

      await backend.close();
      await backend.close(); // idempotent
      await c.end().catch(() => {});
      expect(pids.filter(isAlive)).toEqual([]);
      expect(tree.filter(isAlive)).toEqual([]);
      expect(backend.processes()).toEqual([]);
      expect(existsSync(dir)).toBe(false);
      await expect(backend.createBranch("late")).rejects.toThrow(/closed/);
      const refused = await new Promise<boolean>((resolve) => {
        const socket = netConnect(main.port, "127.0.0.1");
        socket.on("error", () => resolve(true));
        socket.on("connect", () => (socket.destroy(), resolve(false)));
      });
      expect(refused).toBe(true);
    });
  });
});

describe("engine selection", () => {
  it("auto picks the system engine when its binaries run, else PGlite", async () => {
    const messages: string[] = [];
    const backend = await startPostgresBackend({ log: (m) => messages.push(m) });
    try {
      expect(backend.engine).toBe(systemAvailable ? "system" : "pglite");
    } finally {
      await backend.close();
    }
  }, 30_000);

  it('"system" with a directory that has no binaries fails clearly', async () => {
    await expect(startPostgresBackend({ engine: "system", pgBin: "/nonexistent/bin" })).rejects.toThrow(/system PostgreSQL unavailable/);
  });
});
