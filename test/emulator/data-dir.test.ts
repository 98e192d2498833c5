// Issue 11: `startEmulator({ dataDir })` / `--data-dir` keeps state and databases across restarts.
// Raw HTTP and the SDK against the emulator, on each engine this machine has (the system engine
// when a PostgreSQL is installed, PGlite when its packages resolve): resources, rows written through
// a TLS-verified endpoint, the PAT, the CA and old operation names survive a stop and a start; a
// second emulator on the same directory is refused; the temp-directory default still removes everything.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createLakebaseClient, type LakebaseClient } from "../../src/index.js";
import { DataDirError, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { OperationStore } from "../../src/emulator/operations.js";
import { Faults } from "../../src/emulator/faults.js";
import { pgliteAvailability, type EngineKind } from "../../src/emulator/postgres/index.js";
import { detectSystemPostgres } from "../../src/emulator/postgres/system.js";

const available: Record<EngineKind, boolean> = {
  system: !("error" in (await detectSystemPostgres())),
  pglite: "ok" in pgliteAvailability(),
};
const FAST = { pollIntervalMs: 20 };
const P = "projects/keep";
const PROD = `${P}/branches/production`;
const DEV = `${P}/branches/dev`;
const dirs: string[] = [];
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** The CLI bundled from source once (as cli.test.ts does), to run an emulator in a process the test can SIGKILL. */
let bundled: Promise<string> | undefined;
function cliBundle(): Promise<string> {
  return (bundled ??= (async () => {
    const outDir = join(root, "node_modules/.cache/lakebase-emulator-data-dir-test");
    mkdirSync(outDir, { recursive: true });
    const outfile = join(outDir, "cli.mjs");
    await build({ entryPoints: [join(root, "src/emulator/cli.ts")], bundle: true, platform: "node", format: "esm", packages: "external", outfile, logLevel: "error" });
    return outfile;
  })());
}

/** A fresh directory PostgreSQL can reach when the tests run as root (it then runs as `postgres`). */
function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lakebase-data-dir-test-"));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function raw(emulator: Emulator, method: string, path: string, body?: unknown, token = emulator.token) {
  const response = await fetch(`${emulator.host}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const sdk = (emulator: Emulator): LakebaseClient => createLakebaseClient({ host: emulator.host, auth: emulator.token, retry: { baseDelayMs: 5, maxDelayMs: 20 } });

/** A pg client on an endpoint as the PAT's user, TLS verified against `ca`. */
async function connect(client: LakebaseClient, emulator: Emulator, endpoint: string, ca: string, database = "databricks_postgres"): Promise<pg.Client> {
  const host = (await client.endpoints.get(endpoint)).status!.hosts!.host!;
  const [name, port] = [host.slice(0, host.lastIndexOf(":")), Number(host.slice(host.lastIndexOf(":") + 1))];
  const password = (await client.credentials.generate({ endpoint, ttl: "600s" })).token!;
  const c = new pg.Client({ host: name, port, user: emulator.userName, password, database, ssl: { rejectUnauthorized: true, ca } });
  c.on("error", () => {}); // asserted through the promises; a stop may end an idle session
  await c.connect();
  return c;
}

describe.each(["system", "pglite"] as const)("a data directory, %s engine", (engine) => {
  const skip = !available[engine];
  const start = (dataDir: string, extra: Parameters<typeof startEmulator>[0] = {}) =>
    startEmulator({ engine, dataDir, operationLatencyMs: 20, autoSuspend: false, ...extra });

  it.skipIf(skip)(
    "keeps resources, rows, the PAT, the CA and operations across a stop and a start; a restored branch forks",
    async () => {
      const dir = newDir();
      const first = await start(dir);
      const pgVersion = first.engines[0]!.pgMajor;
      const client = sdk(first);

      // Raw HTTP create: keep its operation name, read again after the restart.
      const created = await raw(first, "POST", "/api/2.0/postgres/projects?project_id=keep", { spec: { display_name: "Kept", pg_version: pgVersion } });
      expect(created.status).toBe(200);
      const projectOperation = created.body.name as string;
      await client.operations.resume(projectOperation, "CreateProject").wait(FAST);
      await client.branches.create(P, "dev", { spec: { source_branch: PROD, no_expiry: true } }).wait(FAST);
      await client.endpoints.create(DEV, "reader", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY" } }).wait(FAST);
      await client.roles.create(PROD, "app", { spec: { postgres_role: "app_owner", attributes: { createdb: true } } }).wait(FAST);
      await client.databases.create(PROD, "orders", { spec: { postgres_database: "orders", role: `${PROD}/roles/app` } }).wait(FAST);
      await client.projects.create("gone", { spec: { pg_version: pgVersion } }).wait(FAST);
      await client.projects.delete("projects/gone").wait(FAST);

      // Rows written through the endpoint, TLS verified with the emulator's CA.
      const writer = await connect(client, first, `${PROD}/endpoints/primary`, first.caCertificate);
      await writer.query("create table kept (id int primary key, note text); insert into kept values (1, 'before the stop'), (2, 'also')");
      await writer.end();
      const devHostBefore = (await client.endpoints.get(`${DEV}/endpoints/primary`)).status!.hosts!.host!;
      const secrets = statSync(join(dir, "secrets.json"));
      expect(secrets.mode & 0o777).toBe(0o600);
      await first.stop();
      expect(existsSync(join(dir, "emulator.lock"))).toBe(false);

      const restarted = Date.now();
      const second = await start(dir);
      const restartMs = Date.now() - restarted;
      try {
        console.log(`[data-dir] ${engine}: restart with 3 branches in ${restartMs} ms`);
        // Same credentials: the PAT (raw HTTP with the first run's token), the service principal, the CA file.
        expect(second.token).toBe(first.token);
        // …and the same API address, so the printed DATABRICKS_HOST still works
        expect(second.host).toBe(first.host);
        expect(second.servicePrincipal).toEqual(first.servicePrincipal);
        expect(second.caCertificate).toBe(first.caCertificate);
        expect(second.caCertificatePath).toBe(join(dir, "ca.pem"));
        expect(readFileSync(second.caCertificatePath, "utf8")).toBe(first.caCertificate);
        const projects = await raw(second, "GET", "/api/2.0/postgres/projects?show_deleted=true", undefined, first.token);
        expect(projects.status).toBe(200);
        expect(projects.body.projects.map((p: { name: string }) => p.name).sort()).toEqual(["projects/gone", "projects/keep"]);
        expect((await raw(second, "GET", "/api/2.0/postgres/projects/gone")).body.delete_time).toEqual(expect.any(String));

        const client2 = sdk(second);
        const names = async <T extends { name?: string }>(items: AsyncIterable<T>) => {
          const out: string[] = [];
          for await (const item of items) out.push(item.name!);
          return out.sort();
        };
        expect(await names(client2.branches.list(P))).toEqual([DEV, PROD]);
        expect(await names(client2.endpoints.list(DEV))).toEqual([`${DEV}/endpoints/primary`, `${DEV}/endpoints/reader`]);
        expect(await names(client2.databases.list(PROD))).toEqual(expect.arrayContaining([`${PROD}/databases/orders`]));
        expect(await names(client2.roles.list(PROD))).toEqual(expect.arrayContaining([`${PROD}/roles/app`]));
        // The old operation still answers, done, with its response.
        const operation = await raw(second, "GET", `/api/2.0/postgres/${projectOperation}`);
        expect(operation).toMatchObject({ status: 200, body: { name: projectOperation, done: true, response: { name: P } } });

        // The rows are there, through the endpoint, verified with the CA file kept in the directory.
        const reader = await connect(client2, second, `${PROD}/endpoints/primary`, readFileSync(second.caCertificatePath, "utf8"));
        expect((await reader.query("select id, note from kept order by id")).rows).toEqual([
          { id: 1, note: "before the stop" },
          { id: 2, note: "also" },
        ]);
        await reader.query("insert into kept values (3, 'after the restart')");
        await reader.end();
        // Endpoints listen again, on their old port when it is free.
        expect((await client2.endpoints.get(`${DEV}/endpoints/primary`)).status!.hosts!.host).toBe(devHostBefore);
        const role = await second.query(PROD, "databricks_postgres", "select rolcreatedb from pg_roles where rolname = 'app_owner'");
        expect(role.rows).toEqual([{ rolcreatedb: true }]);

        // A fork of a restored branch has its data, and is served by its own (default) endpoint.
        await client2.branches.create(P, "fork", { spec: { source_branch: PROD, no_expiry: true } }).wait(FAST);
        const forked = await connect(client2, second, `${P}/branches/fork/endpoints/primary`, second.caCertificate);
        expect((await forked.query("select count(*)::int as n from kept")).rows).toEqual([{ n: 3 }]);
        await forked.end();
      } finally {
        await second.stop();
      }
    },
    180_000,
  );

  it.skipIf(skip)(
    "refuses a second emulator on the same directory, and takes over the lock of a dead one",
    async () => {
      const dir = newDir();
      const first = await start(dir);
      try {
        const second = start(dir);
        await expect(second).rejects.toThrow(DataDirError);
        await expect(second).rejects.toThrow(`${dir} is in use by another lakebase emulator (pid ${process.pid})`);
      } finally {
        await first.stop();
      }
      // A lock left by a process that is gone (a SIGKILLed emulator) is stale: taken over.
      const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
      writeFileSync(join(dir, "emulator.lock"), `${dead.stdout.trim()}\n`);
      const third = await start(dir);
      expect(readFileSync(join(dir, "emulator.lock"), "utf8").trim()).toBe(String(process.pid));
      await third.stop();
    },
    60_000,
  );

  it.skipIf(skip)(
    "an endpoint whose old port is taken listens on another, and status.hosts says so",
    async () => {
      const dir = newDir();
      const first = await start(dir);
      const client = sdk(first);
      await client.projects.create("moved", { spec: { pg_version: first.engines[0]!.pgMajor } }).wait(FAST);
      const endpoint = "projects/moved/branches/production/endpoints/primary";
      const before = (await client.endpoints.get(endpoint)).status!.hosts!.host!;
      await first.stop();
      const blocker = createServer().listen(Number(before.slice(before.lastIndexOf(":") + 1)), "127.0.0.1");
      await new Promise((resolve) => blocker.once("listening", resolve));
      const second = await start(dir);
      try {
        const after = (await sdk(second).endpoints.get(endpoint)).status!.hosts!;
        expect(after.host).not.toBe(before);
        expect(after.host!.slice(0, after.host!.lastIndexOf(":"))).toBe(before.slice(0, before.lastIndexOf(":")));
        expect(after.read_write_pooled_host).toBe(after.host);
        const c = await connect(sdk(second), second, endpoint, second.caCertificate);
        expect((await c.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
        await c.end();
      } finally {
        blocker.close();
        await second.stop();
      }
    },
    60_000,
  );

  it.skipIf(skip)(
    "after a SIGKILL: the lock is taken over, committed rows are there, and an operation that was running reads ABORTED",
    async () => {
      const dir = newDir();
      const cli = spawn(process.execPath, [await cliBundle(), "--engine", engine, "--data-dir", dir, "--latency-ms", "2000"], {
        env: { ...process.env, LAKEBASE_PGLITE_WORKER: join(root, "src/emulator/postgres/pglite-worker.mjs") },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      cli.stderr.on("data", (d) => (stderr += d));
      const exited = new Promise((resolve) => cli.once("exit", resolve));
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: cli.stdout }).once("line", resolve);
        void exited.then(() => reject(new Error(`the CLI exited: ${stderr}`)));
      });
      const info = JSON.parse(line) as { host: string; token: string; userName: string; engines: { pgMajor: number }[] };
      const killed = { ...info, caCertificate: "" } as unknown as Emulator;
      const client = sdk(killed);
      await client.projects.create("crash", { spec: { pg_version: info.engines[0]!.pgMajor } }).wait(FAST);
      const endpoint = "projects/crash/branches/production/endpoints/primary";
      const ca = readFileSync(join(dir, "ca.pem"), "utf8");
      const c = await connect(client, killed, endpoint, ca);
      await c.query("create table survived (n int); insert into survived values (42)");
      await c.end();
      // Every operation takes 2 s (--latency-ms): this one is still running when the process dies.
      const running = await raw(killed, "POST", "/api/2.0/postgres/projects/crash/branches?branch_id=late", { spec: { no_expiry: true } });
      expect(running.status).toBe(200);
      await new Promise((r) => setTimeout(r, 200)); // the state file is saved 25 ms after a change
      cli.kill("SIGKILL");
      await exited;

      const again = await start(dir);
      try {
        expect(again.token).toBe(info.token);
        const op = await raw(again, "GET", `/api/2.0/postgres/${running.body.name}`);
        expect(op.body).toMatchObject({ done: true, error: { error_code: "ABORTED", message: expect.stringMatching(/stopped before this operation finished/) } });
        const reader = await connect(sdk(again), again, endpoint, again.caCertificate);
        expect((await reader.query("select n from survived")).rows).toEqual([{ n: 42 }]);
        await reader.end();
      } finally {
        await again.stop();
      }
    },
    120_000,
  );
});

describe("a data directory: what is refused, and the temp-directory default", () => {
  const engine = available.system ? "system" : "pglite";

  it("refuses a directory of another layout version, and a non-empty directory that is not one", async () => {
    const other = newDir();
    writeFileSync(join(other, "layout.json"), JSON.stringify({ layout: 99 }));
    await expect(startEmulator({ engine, dataDir: other })).rejects.toThrow(`${other} was made by an emulator with data directory layout 99; this one reads layout 1 only`);
    expect(existsSync(join(other, "emulator.lock"))).toBe(false);
    const foreign = newDir();
    writeFileSync(join(foreign, "notes.txt"), "mine");
    await expect(startEmulator({ engine, dataDir: foreign })).rejects.toThrow(`${foreign} is not empty and is not a lakebase emulator data directory`);
  });

  it.skipIf(!available.system && !available.pglite)("without a data directory, stop() removes the CA file and its directory", async () => {
    const emulator = await startEmulator({ engine, operationLatencyMs: 20, autoSuspend: false });
    expect(emulator.dataDir).toBeUndefined();
    const tempDir = dirname(emulator.caCertificatePath);
    expect(existsSync(emulator.caCertificatePath)).toBe(true);
    await sdk(emulator).projects.create("scratch", { spec: {} }).wait(FAST);
    await emulator.stop();
    expect(existsSync(tempDir)).toBe(false);
  }, 60_000);

  it("an operation saved unfinished (the emulator was killed) reads as failed with ABORTED after a restart", () => {
    const operations = new OperationStore(() => 0, new Faults());
    operations.importAll([
      { name: "projects/p/operations/a", done: false, metadata: { "@type": "t" } },
      { name: "projects/p/operations/b", done: true, metadata: { "@type": "t" }, response: { name: "projects/p" } },
    ]);
    expect(operations.get("projects/p/operations/a")).toMatchObject({ done: true, error: { error_code: "ABORTED", message: expect.stringMatching(/stopped before this operation finished/) } });
    expect(operations.get("projects/p/operations/b")).toMatchObject({ done: true, response: { name: "projects/p" } });
  });
});
