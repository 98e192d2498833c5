import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createCoreClient, createLakebaseClient, type LakebaseClient } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { createPool, databaseCredentialProvider, getOrmConfig, getPgConfig, isWakeUpError } from "../../src/postgres/index.js";

let emulator: Emulator;
let client: LakebaseClient;
const P = "projects/pgapp";
const EP = `${P}/branches/production/endpoints/primary`;

beforeAll(async () => {
  emulator = await startEmulator({ operationLatencyMs: 20, wakeUpMs: 400, engine: (process.env.LAKEBASE_EMULATOR_ENGINE as "auto") ?? "auto" });
  client = createLakebaseClient({ host: emulator.host, auth: emulator.token, validateResponses: true });
  await client.projects.create("pgapp", { spec: {} }).wait({ pollIntervalMs: 20 });
}, 60_000);

afterAll(async () => {
  await emulator?.stop();
});

describe("getPgConfig", () => {
  it("resolves the default branch's read-write endpoint, host:port, the caller as user, databricks_postgres, no TLS on loopback", async () => {
    const config = await getPgConfig({ client, project: "pgapp", env: {} });
    expect(config.endpoint).toBe(EP);
    expect(config.host).toBe("127.0.0.1");
    expect(config.port).toBeGreaterThan(0);
    expect(config.user).toBe(emulator.userName);
    expect(config.database).toBe("databricks_postgres");
    expect(config.ssl).toBe(false);
    expect(typeof (await config.password())).toBe("string");
  });

  it("reads what Databricks Apps inject (LAKEBASE_ENDPOINT, PGUSER, PGDATABASE, PGSSLMODE)", async () => {
    const config = await getPgConfig({ client, env: { LAKEBASE_ENDPOINT: EP, PGUSER: "app-sp", PGDATABASE: "appdb", PGSSLMODE: "require" } });
    expect(config).toMatchObject({ endpoint: EP, user: "app-sp", database: "appdb" });
    expect(config.ssl).toBe(false); // loopback emulator host: no TLS to verify
  });

  it("refuses an ssl object that does not verify (plain JavaScript can pass rejectUnauthorized: false)", async () => {
    const unverified = { rejectUnauthorized: false } as unknown as { rejectUnauthorized: true };
    await expect(getPgConfig({ client, project: "pgapp", env: {}, ssl: unverified })).rejects.toMatchObject({ name: "ValidationError", field: "ssl.rejectUnauthorized" });
    const config = await getPgConfig({ client, project: "pgapp", env: {}, ssl: { rejectUnauthorized: true, ca: emulator.caCertificate } });
    expect(config.ssl).toEqual({ rejectUnauthorized: true, ca: emulator.caCertificate });
  });

  it("verifies TLS for real hosts", async () => {
    const config = await getPgConfig({ client, endpoint: EP, env: { PGHOST: "ep-blue.database.us-east-2.cloud.databricks.com", LAKEBASE_ENDPOINT: EP, PGUSER: "u" } });
    expect(config.ssl).toEqual({ rejectUnauthorized: true, servername: "ep-blue.database.us-east-2.cloud.databricks.com" });
    expect(config.port).toBe(5432);
  });
});

describe("the credential cache", () => {
  it("serves one credential to many concurrent callers and refreshes near expiry", async () => {
    let clock = Date.now();
    const provider = databaseCredentialProvider({ client, endpoint: EP, ttl: "600s", now: () => clock });
    const tokens = await Promise.all(Array.from({ length: 50 }, () => provider.getPassword()));
    expect(new Set(tokens).size).toBe(1);
    expect(provider.requests).toBe(1);
    clock += 590_000; // inside the refresh margin
    const next = await provider.getPassword();
    expect(next).not.toBe(tokens[0]);
    expect(provider.requests).toBe(2);
  });
});

describe("createPool", () => {
  it("works with the core client too: project → endpoint, caller as user, a minted credential", async () => {
    const core = createCoreClient({ host: emulator.host, auth: emulator.token, validateResponses: true });
    const pool = await createPool({ client: core, project: "pgapp", env: {} });
    try {
      expect(pool.lakebase).toMatchObject({ endpoint: EP, user: emulator.userName });
      expect((await pool.query("select 1 as ok")).rows[0].ok).toBe(1);
      expect(pool.lakebase.credentials.requests).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it("opens 10 connections at once with one credential request", async () => {
    const pool = await createPool({ client, endpoint: EP, env: {} });
    try {
      const clients = await Promise.all(Array.from({ length: 10 }, () => pool.connect()));
      expect(pool.lakebase.credentials.requests).toBe(1);
      const results = await Promise.all(clients.map((c, i) => c.query("select $1::int as i", [i])));
      expect(results.map((r) => r.rows[0].i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      clients.forEach((c) => c.release());
    } finally {
      await pool.end();
    }
  });

  it("rotates tokens: new connections get the new token, open connections keep working after the old one expires", async () => {
    let clock = Date.now();
    const pool = await createPool({ client, endpoint: EP, env: {}, ttl: "300s", now: () => clock });
    try {
      const first = await pool.connect();
      expect(pool.lakebase.credentials.requests).toBe(1);
      emulator.expireCredentials(); // the server now refuses the first token for new connections
      clock += 290_000; // past the refresh point: the next connection mints a new token
      const second = await pool.connect();
      expect(pool.lakebase.credentials.requests).toBe(2);
      expect((await first.query("select 1 as ok")).rows[0].ok).toBe(1);
      expect((await second.query("select 2 as ok")).rows[0].ok).toBe(2);
      first.release();
      second.release();
    } finally {
      await pool.end();
    }
  });

  it("replaces a credential Postgres refuses (28P01) once, transparently", async () => {
    const pool = await createPool({ client, endpoint: EP, env: {} });
    try {
      await pool.query("select 1");
      emulator.expireCredentials();
      await pool.query("select 1"); // the idle connection is reused; no new token needed
      const extra = await Promise.all([pool.connect(), pool.connect()]); // new connections: 28P01 → new credential
      extra.forEach((c) => c.release());
      expect(pool.lakebase.credentials.requests).toBe(2);
    } finally {
      await pool.end();
    }
  });

  it("survives an endpoint waking from scale to zero", async () => {
    const pool = await createPool({ client, endpoint: EP, env: {}, wakeUp: { initialDelayMs: 50 } });
    try {
      emulator.suspendEndpoint(EP);
      const started = Date.now();
      const { rows } = await pool.query("select 'awake' as state");
      expect(rows[0].state).toBe("awake");
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      await pool.end();
    }
  });

  it("recovers after the emulator drops every connection (fault injection)", async () => {
    const pool = await createPool({ client, endpoint: EP, env: {} });
    const errors: unknown[] = [];
    pool.on("error", (e) => errors.push(e)); // idle clients report the reset here, as pg documents
    try {
      await pool.query("select 1");
      emulator.dropConnections(EP);
      await new Promise((r) => setTimeout(r, 100));
      expect((await pool.query("select 2 as n")).rows[0].n).toBe(2);
    } finally {
      await pool.end();
    }
  });

  it("fails fast, naming the cause, when the endpoint is disabled (it would never wake)", async () => {
    const pool = await createPool({ client, endpoint: EP, env: {} });
    try {
      await client.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", disabled: true } }).wait({ pollIntervalMs: 20 });
      expect((await client.endpoints.get(EP)).status?.current_state).toBe("IDLE");
      const started = Date.now();
      await expect(pool.query("select 1")).rejects.toThrow(/is disabled/);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await client.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", disabled: false } }).wait({ pollIntervalMs: 20 });
      await pool.end();
    }
    const again = await createPool({ client, endpoint: EP, env: {} });
    try {
      expect((await again.query("select 1 as ok")).rows[0].ok).toBe(1);
    } finally {
      await again.end();
    }
  });

  it("fails fast with a clear error on wrong credentials (no wake-up retries)", async () => {
    const pool = await createPool({ client, endpoint: EP, user: "not-the-caller@example.com", env: {} });
    try {
      const started = Date.now();
      const error = await pool.query("select 1").catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "28P01" });
      expect(String((error as Error).message)).toMatch(/password authentication failed/);
      expect(isWakeUpError(error)).toBe(false);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await pool.end();
    }
  });

  it("an ORM config shares the pool and can mint a connection string", async () => {
    const pool = await createPool({ client, endpoint: EP, env: {} });
    try {
      const orm = getOrmConfig(pool);
      expect(orm.drizzle.client).toBe(pool);
      const url = await orm.connectionString();
      expect(url).toMatch(/^postgresql:\/\/.+:.+@127\.0\.0\.1:\d+\/databricks_postgres\?sslmode=disable$/);
    } finally {
      await pool.end();
    }
  });

  it("a connection string for a pool that verifies the emulator's CA names the CA file, and pg connects with it over verified TLS", async () => {
    const pool = await createPool({ client, endpoint: EP, env: {}, ssl: { rejectUnauthorized: true, ca: emulator.caCertificate } });
    try {
      const orm = getOrmConfig(pool);
      await expect(orm.connectionString()).rejects.toMatchObject({ name: "ValidationError", field: "sslrootcert" });
      const url = await orm.connectionString({ sslrootcert: emulator.caCertificatePath });
      expect(url).toContain(`?sslmode=verify-full&sslrootcert=${encodeURIComponent(emulator.caCertificatePath)}`);
      const direct = new pg.Client({ connectionString: url });
      await direct.connect();
      try {
        expect((await direct.query("select 1 as one")).rows[0].one).toBe(1);
        expect((direct as unknown as { connection: { stream: { encrypted?: boolean } } }).connection.stream.encrypted).toBe(true);
      } finally {
        await direct.end();
      }
    } finally {
      await pool.end();
    }
  });
});

describe("scale to zero in the emulator", () => {
  it("suspends an endpoint idle for its suspend_timeout_duration; the pool wakes it on the next query", async () => {
    const scaled = await startEmulator({ operationLatencyMs: 10, wakeUpMs: 200, autoSuspend: { timeScale: 0.005 } });
    try {
      const c = createLakebaseClient({ host: scaled.host, auth: scaled.token });
      await c.projects.create("zz", { spec: { default_endpoint_settings: { suspend_timeout_duration: "120s" } } }).wait({ pollIntervalMs: 10 });
      const ep = "projects/zz/branches/production/endpoints/primary";
      const pool = await createPool({ client: c, endpoint: ep, env: {}, pool: { idleTimeoutMillis: 50 } });
      try {
        await pool.query("select 1");
        // 120 s × 0.005 = 0.6 s of no open connection (the pool closes its idle client after 50 ms)
        await new Promise((r) => setTimeout(r, 1_200));
        expect((await c.endpoints.get(ep)).status?.current_state).toBe("IDLE");
        expect((await pool.query("select 'awake' as s")).rows[0].s).toBe("awake");
        expect((await c.endpoints.get(ep)).status?.current_state).toBe("ACTIVE");
      } finally {
        await pool.end();
      }
    } finally {
      await scaled.stop();
    }
  });
});
