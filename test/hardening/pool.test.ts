/**
 * Issue 9, defects 3 and 9: an idle connection that breaks never crashes the process; PG*
 * variables from a developer's shell are not read outside Databricks Apps; connection errors
 * name where each value came from.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createLakebaseClient, type LakebaseClient } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { createPool, getPgConfig, type ConnectionErrorEvent } from "../../src/postgres/index.js";

let emulator: Emulator;
let client: LakebaseClient;
const P = "projects/hardpool";
const EP = `${P}/branches/production/endpoints/primary`;

beforeAll(async () => {
  emulator = await startEmulator({ operationLatencyMs: 20, wakeUpMs: 200, engine: (process.env.LAKEBASE_EMULATOR_ENGINE as "auto") ?? "auto" });
  client = createLakebaseClient({ host: emulator.host, auth: emulator.token });
  await client.projects.create("hardpool", { spec: {} }).wait({ pollIntervalMs: 20 });
}, 60_000);
afterAll(async () => {
  await emulator?.stop();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("idle connections that break", () => {
  it("no 'error' listener of the user's: the pool reports through onConnectionError, discards the client and keeps working", async () => {
    const events: ConnectionErrorEvent[] = [];
    const pool = await createPool({ client, endpoint: EP, env: {}, onConnectionError: (e) => events.push(e) });
    try {
      await pool.query("select 1");
      expect(pool.idleCount).toBe(1);
      emulator.dropConnections(EP); // what a suspend or restart does to idle connections
      await vi.waitFor(() => expect(events.length).toBeGreaterThan(0), { timeout: 3_000 });
      expect(events[0]!.endpoint).toBe(EP);
      expect(events[0]!.error).toBeInstanceOf(Error);
      expect((await pool.query("select 2 as n")).rows[0].n).toBe(2);
    } finally {
      await pool.end();
    }
  });

  it("by default the break is one console.warn line, without the password", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const pool = await createPool({ client, endpoint: EP, env: {} });
    try {
      await pool.query("select 1");
      const password = await pool.lakebase.credentials.getPassword();
      emulator.dropConnections(EP);
      await vi.waitFor(() => expect(warn).toHaveBeenCalled(), { timeout: 3_000 });
      const line = String(warn.mock.calls[0]![0]);
      expect(line).toMatch(new RegExp(`^lakebase-sdk: an idle connection to ${EP} closed`));
      expect(line).not.toContain(password);
      expect((await pool.query("select 3 as n")).rows[0].n).toBe(3);
    } finally {
      await pool.end();
    }
  });
});

describe("the environment", () => {
  it("PGUSER / PGDATABASE from a developer's shell are not read outside Databricks Apps", async () => {
    vi.stubEnv("PGUSER", "alice");
    vi.stubEnv("PGDATABASE", "alicedb");
    vi.stubEnv("DATABRICKS_APP_NAME", "");
    const config = await getPgConfig({ client, endpoint: EP });
    expect(config.user).toBe(emulator.userName);
    expect(config.database).toBe("databricks_postgres");
    expect(config.sources).toMatchObject({ user: "the caller's identity (SCIM Me)", database: "default", endpoint: "option endpoint", host: "endpoint status" });
  });

  it("inside Databricks Apps (DATABRICKS_APP_NAME set) they are read, and the sources say so", async () => {
    vi.stubEnv("DATABRICKS_APP_NAME", "my-app");
    vi.stubEnv("PGUSER", "app-sp");
    vi.stubEnv("PGDATABASE", "appdb");
    const config = await getPgConfig({ client, endpoint: EP });
    expect(config).toMatchObject({ user: "app-sp", database: "appdb", sources: { user: "PGUSER", database: "PGDATABASE" } });
  });

  it("a refused login names where the user came from", async () => {
    const pool = await createPool({ client, endpoint: EP, env: { PGUSER: "alice" }, wakeUp: { maxWaitMs: 1_000 } });
    try {
      const error = await pool.query("select 1").catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe("28P01");
      expect((error as Error).message).toContain("user alice (from PGUSER)");
      expect((error as Error).message).toContain(`endpoint ${EP} (from option endpoint)`);
    } finally {
      await pool.end();
    }
  });
});
