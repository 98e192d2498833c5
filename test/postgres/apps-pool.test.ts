// The zero-argument forms inside a simulated Databricks Apps environment: the variables an app
// with a Lakebase database resource gets (DATABRICKS_HOST + the app's service principal, and
// LAKEBASE_ENDPOINT / PGHOST / PGPORT / PGUSER / PGDATABASE / PGSSLMODE), pointed at the emulator.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createLakebasePool, createPool, getLakebaseOrmConfig, getOrmConfig, getLakebasePgConfig, LazyLakebasePool } from "../../src/postgres/index.js";
import { createServicePrincipalRole, startWithProject, type Setup } from "./emulator-setup.js";

// createPool() without a client loads the package's own "lakebase-sdk/postgres" at run time (so a
// bundle of createPool with a client leaves the Apps code out); tests run from source.
vi.mock("lakebase-sdk/postgres", () => import("../../src/postgres/index.js"));

let setup: Setup;
let spName: string;
let apiRequests = 0;

function appEnvironment(): Record<string, string> {
  const { emulator, endpoint, host, port } = setup;
  return {
    DATABRICKS_APP_NAME: "notes-app",
    DATABRICKS_HOST: emulator.host,
    DATABRICKS_WORKSPACE_ID: "1234567890123456",
    DATABRICKS_CLIENT_ID: emulator.servicePrincipal.clientId,
    DATABRICKS_CLIENT_SECRET: emulator.servicePrincipal.clientSecret,
    LAKEBASE_ENDPOINT: endpoint,
    PGHOST: host,
    PGPORT: String(port),
    PGUSER: emulator.servicePrincipal.clientId,
    PGDATABASE: "databricks_postgres",
    PGSSLMODE: "require",
    // libpq's CA file: verified TLS to the emulator, as to a real endpoint.
    PGSSLROOTCERT: emulator.caCertificatePath,
  };
}

/** A home without `.databrickscfg`: outside an app the default credential chain reads that file. */
function emptyHome(): string {
  return mkdtempSync(join(tmpdir(), "lakebase-home-"));
}

function stubAppEnvironment(): void {
  for (const [name, value] of Object.entries(appEnvironment())) vi.stubEnv(name, value);
}

beforeAll(async () => {
  setup = await startWithProject("appsenv", { onRequest: () => void apiRequests++ });
  spName = await createServicePrincipalRole(setup);
}, 60_000);

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await setup?.emulator.stop();
}, 30_000);

describe("createLakebasePool() in Databricks Apps", () => {
  it("is made synchronously with no arguments and does nothing until the first query", async () => {
    stubAppEnvironment();
    const before = apiRequests;
    const pool = createLakebasePool();
    try {
      expect(pool.totalCount).toBe(0);
      await new Promise((r) => setTimeout(r, 50));
      expect(apiRequests).toBe(before); // no token, no credential, no endpoint lookup yet
      const { rows } = await pool.query("select current_user as u");
      expect(rows[0].u).toBe(spName);
      expect(apiRequests).toBeGreaterThan(before);
      expect(pool.lakebase).toMatchObject({ endpoint: setup.endpoint, user: spName, host: setup.host, port: setup.port, database: "databricks_postgres" });
      expect(pool.lakebase.sources).toMatchObject({ endpoint: "LAKEBASE_ENDPOINT", host: "PGHOST", user: "PGUSER", database: "PGDATABASE" });
      expect(pool.lakebase.credentials.requests).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it("verifies TLS against PGSSLROOTCERT", async () => {
    stubAppEnvironment();
    const pool = createLakebasePool();
    try {
      const client = await pool.connect();
      try {
        expect((client as unknown as { connection: { stream: { encrypted?: boolean } } }).connection.stream.encrypted).toBe(true);
        expect(pool.lakebase.ssl).toEqual({ rejectUnauthorized: true, ca: setup.emulator.caCertificate });
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });

  it("works through the callback form of connect and with the env given as an option", async () => {
    const pool = createLakebasePool({ env: appEnvironment() });
    try {
      const user = await new Promise<string>((resolve, reject) =>
        pool.connect((error, client, done) => {
          if (error || !client) return reject(error);
          client.query("select current_user as u").then((r) => (done(), resolve(r.rows[0].u)), reject);
        }),
      );
      expect(user).toBe(spName);
    } finally {
      await pool.end();
    }
  });

  it("outside an app, creating it still succeeds; the first query says what is missing, and a later one can succeed", async () => {
    const env: Record<string, string> = { HOME: emptyHome() }; // no ~/.databrickscfg either
    const pool = createLakebasePool({ env });
    try {
      await expect(pool.query("select 1")).rejects.toThrow(/DATABRICKS_HOST, DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET/);
    } finally {
      await pool.end();
    }
    // A failed resolution is not kept: an endpoint that appears later is picked up.
    const { LAKEBASE_ENDPOINT, ...withoutEndpoint } = appEnvironment();
    const late: Record<string, string> = { ...withoutEndpoint };
    const pool2 = createLakebasePool({ env: late });
    try {
      await expect(pool2.query("select 1")).rejects.toMatchObject({ name: "ValidationError", field: "endpoint" });
      late.LAKEBASE_ENDPOINT = LAKEBASE_ENDPOINT!;
      expect((await pool2.query("select 1 as ok")).rows[0].ok).toBe(1);
    } finally {
      await pool2.end();
    }
  });

  it("before it is resolved, its credentials resolve first and getOrmConfig asks for ready()", async () => {
    stubAppEnvironment();
    const pool = createLakebasePool();
    try {
      expect(() => getOrmConfig(pool)).toThrow(/await pool.ready\(\) first/);
      expect(pool.lakebase.credentials.requests).toBe(0);
      expect(typeof (await pool.lakebase.credentials.getPassword())).toBe("string");
      expect(pool.lakebase.credentials.requests).toBe(1); // the resolved provider, now in place
      expect(getOrmConfig(pool).flat.username).toBe(spName);
    } finally {
      await pool.end();
    }
  });

  it("ready() resolves early, once", async () => {
    stubAppEnvironment();
    const pool = createLakebasePool();
    try {
      const [a, b] = await Promise.all([pool.ready(), pool.ready()]);
      expect(a).toBe(b);
      expect(a).toBe(pool.lakebase);
      expect(a.endpoint).toBe(setup.endpoint);
    } finally {
      await pool.end();
    }
  });
});

describe("createPool() with no arguments in Databricks Apps", () => {
  it("resolves at once and connects as the app's service principal", async () => {
    stubAppEnvironment();
    const pool = await createPool();
    try {
      expect(pool).toBeInstanceOf(LazyLakebasePool);
      expect(pool.lakebase).toMatchObject({ endpoint: setup.endpoint, user: spName, database: "databricks_postgres" });
      expect((await pool.query("select current_user as u")).rows[0].u).toBe(spName);
    } finally {
      await pool.end();
    }
  });

  it("outside an app it rejects, saying what is missing", async () => {
    await expect(createPool({ env: { HOME: emptyHome() } })).rejects.toThrow(/not running in Databricks Apps/);
  });
});

describe("getLakebasePgConfig() and getLakebaseOrmConfig() in Databricks Apps", () => {
  it("getLakebasePgConfig gives what new pg.Pool takes", async () => {
    stubAppEnvironment();
    const config = await getLakebasePgConfig();
    expect(config).toMatchObject({ endpoint: setup.endpoint, user: spName, database: "databricks_postgres" });
    const plain = new pg.Pool({ ...config, max: 1 });
    try {
      expect((await plain.query("select current_user as u")).rows[0].u).toBe(spName);
    } finally {
      await plain.end();
    }
  });

  it("getLakebaseOrmConfig resolves the pool first, so the flat configs carry the real host and user", async () => {
    stubAppEnvironment();
    const orm = await getLakebaseOrmConfig();
    try {
      expect(orm.flat).toMatchObject({ host: setup.host, port: setup.port, username: spName, database: "databricks_postgres" });
      expect((await orm.pool.query("select 1 as ok")).rows[0].ok).toBe(1);
    } finally {
      await orm.pool.end();
    }
  });
});
