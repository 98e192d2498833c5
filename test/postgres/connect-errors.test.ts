// Connections that cannot succeed, explained: an identity without a Postgres role (the server's
// FATAL 28000 `role "x" does not exist`, as the emulator answers it), an address that never answers
// (a wrong PGPORT, retried as a scale-to-zero wake-up until the budget runs out), and a PGSSLROOTCERT
// naming a file that is not there. Each error says what to do and keeps the original as `cause`.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createCoreClient } from "../../src/index.js";
import { createLakebasePool, createPool, isWakeUpError, PostgresConnectionError } from "../../src/postgres/index.js";
import { FAST, startWithProject, type Setup } from "./emulator-setup.js";

// createPool() without a client loads the package's own "lakebase-sdk/postgres" at run time; tests run from source.
vi.mock("lakebase-sdk/postgres", () => import("../../src/postgres/index.js"));

let setup: Setup;
/** A second project: its owner (the emulator's user) has a role there, nobody else does. */
const BRANCH = "projects/noroles/branches/production";
const ENDPOINT = `${BRANCH}/endpoints/primary`;
let host: string;
let port: number;

beforeAll(async () => {
  setup = await startWithProject("connerrors");
  await setup.owner.projects.create("noroles", { spec: {} }).wait(FAST);
  [host, port] = (await setup.owner.endpoints.get(ENDPOINT)).status!.hosts!.host!.split(":").map((part, i) => (i ? Number(part) : part)) as [string, number];
}, 60_000);

afterAll(async () => {
  await setup?.emulator.stop();
}, 30_000);

/** A Databricks Apps environment whose database resource is the project where the app's service principal has no role. */
function appEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  const { emulator } = setup;
  return {
    DATABRICKS_APP_NAME: "roleless-app",
    DATABRICKS_HOST: emulator.host,
    DATABRICKS_CLIENT_ID: emulator.servicePrincipal.clientId,
    DATABRICKS_CLIENT_SECRET: emulator.servicePrincipal.clientSecret,
    LAKEBASE_ENDPOINT: ENDPOINT,
    PGHOST: host,
    PGPORT: String(port),
    PGUSER: emulator.servicePrincipal.clientId,
    PGDATABASE: "databricks_postgres",
    PGSSLMODE: "require",
    ...overrides,
  };
}

async function connectError(pool: { query(sql: string): Promise<unknown>; end(): Promise<void> }): Promise<PostgresConnectionError> {
  try {
    const outcome = await pool.query("select 1").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(PostgresConnectionError);
    return outcome as PostgresConnectionError;
  } finally {
    await pool.end();
  }
}

describe("an identity without a Postgres role", () => {
  it("the app's service principal (createLakebasePool in Databricks Apps): the error names the identity, where it came from, the branch and the Roles API call", async () => {
    const sp = setup.emulator.servicePrincipal.clientId;
    const error = await connectError(createLakebasePool({ env: appEnvironment() }));
    expect(error.name).toBe("PostgresConnectionError");
    expect(error.code).toBe("28000");
    expect(error.message).toContain(`the identity ${sp} (from PGUSER) has no Postgres role on ${BRANCH}`);
    expect(error.message).toContain(`client.roles.create("${BRANCH}", "${sp}", { spec: { postgres_role: "${sp}", identity_type: "SERVICE_PRINCIPAL" } })`);
    // The server's own words stay, in the message and as the cause.
    expect(error.message).toContain(`role "${sp}" does not exist`);
    expect(error.cause).toMatchObject({ code: "28000", message: `role "${sp}" does not exist` });
    expect(isWakeUpError(error)).toBe(false);
  });

  it("createPool() with no arguments fails the same way at its first query, with no second credential (28000 is final)", async () => {
    const pool = await createPool({ env: appEnvironment() });
    const error = await connectError(pool);
    expect(error.code).toBe("28000");
    expect(error.message).toMatch(/has no Postgres role on projects\/noroles\/branches\/production; create one with the Roles API/);
    expect(pool.lakebase.credentials.requests).toBe(1);
  });

  it("a workspace user (the caller's identity): identity_type USER, and the advice works", async () => {
    const carol = "carol@example.com";
    const client = createCoreClient({ host: setup.emulator.host, auth: setup.emulator.userToken(carol) });
    const error = await connectError(await createPool({ client, endpoint: ENDPOINT, env: {} }));
    expect(error.message).toContain(`the identity ${carol} (from the caller's identity (SCIM Me)) has no Postgres role on ${BRANCH}`);
    expect(error.message).toContain(`identity_type: "USER"`);
    // Doing what the message says is enough.
    await setup.owner.roles.create(BRANCH, carol, { spec: { postgres_role: carol, identity_type: "USER" } }).wait(FAST);
    const pool = await createPool({ client, endpoint: ENDPOINT, env: {} });
    try {
      expect((await pool.query("select current_user as u")).rows[0].u).toBe(carol);
    } finally {
      await pool.end();
    }
  });

  it("a group (groupName) without a role: identity_type GROUP", async () => {
    const error = await connectError(await createPool({ client: setup.owner, endpoint: ENDPOINT, env: {}, groupName: "auditors" }));
    expect(error.code).toBe("28000");
    expect(error.message).toContain(`the identity auditors (from option groupName) has no Postgres role on ${BRANCH}`);
    expect(error.message).toContain(`{ spec: { postgres_role: "auditors", identity_type: "GROUP" } }`);
  });
});

describe("an address that never answers", () => {
  it("a wrong PGPORT fails once the wake-up budget is spent, saying it was retried and where host and port came from", async () => {
    const started = Date.now();
    const pool = createLakebasePool({ env: appEnvironment({ PGPORT: "1" }), wakeUp: { maxWaitMs: 600, initialDelayMs: 50 } });
    const error = await connectError(pool);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.code).toBe("ECONNREFUSED");
    expect(error.cause).toMatchObject({ code: "ECONNREFUSED" });
    expect(error.message).toMatch(/^connect ECONNREFUSED \S+:1 — retried as a scale-to-zero wake-up for \d+ attempts over \d+\.\d s; /);
    expect(error.message).toContain(`connecting to ${host}:1 (host from PGHOST, port from PGPORT), endpoint ${ENDPOINT}`);
    // Still recognisable as a connection failure by code.
    expect(isWakeUpError(error)).toBe(true);
  });

  it("without PG* variables the address comes from the endpoint's status, and the error says so", async () => {
    // An endpoint whose published host is right but whose port is refused: the pool's config, overridden.
    const pool = await createPool({ client: setup.owner, endpoint: setup.endpoint, env: {}, wakeUp: { maxWaitMs: 300, initialDelayMs: 50 } });
    Object.assign((pool as unknown as { options: { port: number } }).options, { port: 1 });
    Object.assign(pool.lakebase, { port: 1 });
    const error = await connectError(pool);
    expect(error.message).toContain(`connecting to ${setup.host}:1 (from endpoint status), endpoint ${setup.endpoint}`);
  });
});

describe("PGSSLROOTCERT", () => {
  it("naming a missing file: the error names the variable and the file", async () => {
    const missing = join(mkdtempSync(join(tmpdir(), "lakebase-ca-")), "absent.pem");
    const pool = createLakebasePool({ env: appEnvironment({ PGSSLROOTCERT: missing }) });
    try {
      const error = await pool.query("select 1").then(() => undefined, (e: unknown) => e as Error & { field?: string });
      expect(error).toMatchObject({ name: "ValidationError", field: "PGSSLROOTCERT" });
      expect(error!.message).toBe(`Invalid PGSSLROOTCERT: names ${missing}, which cannot be read (ENOENT): it must be the CA certificate file to verify TLS against`);
      expect(error!.cause).toMatchObject({ code: "ENOENT" });
    } finally {
      await pool.end();
    }
  });
});
