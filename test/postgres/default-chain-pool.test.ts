// The zero-argument forms outside Databricks Apps, as AppKit's `new WorkspaceClient({})` works
// there: the default credential chain (DATABRICKS_HOST + DATABRICKS_TOKEN, or a ~/.databrickscfg
// profile) calls the API, LAKEBASE_ENDPOINT says which endpoint, and the pool connects as the
// caller. Inside an app its service principal still wins.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLakebasePool, createPool, getLakebasePgConfig } from "../../src/postgres/index.js";
import { createServicePrincipalRole, startWithProject, type Setup } from "./emulator-setup.js";

// createPool() without a client loads the package's own "lakebase-sdk/postgres" at run time; tests run from source.
vi.mock("lakebase-sdk/postgres", () => import("../../src/postgres/index.js"));

let setup: Setup;
/** A home with no `.databrickscfg`, so that no developer's own profile leaks into a test. */
let emptyHome: string;

beforeAll(async () => {
  setup = await startWithProject("localdev");
  emptyHome = mkdtempSync(join(tmpdir(), "lakebase-home-"));
}, 60_000);

afterAll(async () => {
  await setup?.emulator.stop();
}, 30_000);

/** A home whose `~/.databrickscfg` has a DEFAULT profile for the emulator (host and the user's PAT). */
function homeWithProfile(): string {
  const home = mkdtempSync(join(tmpdir(), "lakebase-home-"));
  writeFileSync(join(home, ".databrickscfg"), `[DEFAULT]\nhost = ${setup.emulator.host}\ntoken = ${setup.emulator.token}\n`);
  return home;
}

async function currentUser(pool: { query(sql: string): Promise<{ rows: { u: string }[] }> }): Promise<string> {
  return (await pool.query("select current_user as u")).rows[0]!.u;
}

describe("outside Databricks Apps: the default credential chain", () => {
  it("DATABRICKS_HOST + DATABRICKS_TOKEN + LAKEBASE_ENDPOINT: createPool() connects as the token's user", async () => {
    const env = { HOME: emptyHome, DATABRICKS_HOST: setup.emulator.host, DATABRICKS_TOKEN: setup.emulator.token, LAKEBASE_ENDPOINT: setup.endpoint };
    const pool = await createPool({ env });
    try {
      expect(pool.lakebase).toMatchObject({ endpoint: setup.endpoint, user: setup.emulator.userName, host: setup.host, port: setup.port });
      expect(pool.lakebase.sources).toMatchObject({ endpoint: "LAKEBASE_ENDPOINT", host: "endpoint status", user: "the caller's identity (SCIM Me)" });
      expect(await currentUser(pool)).toBe(setup.emulator.userName);
    } finally {
      await pool.end();
    }
  });

  it("read from process.env when no env is given (createLakebasePool)", async () => {
    vi.stubEnv("DATABRICKS_APP_NAME", undefined);
    vi.stubEnv("DATABRICKS_CLIENT_ID", undefined);
    vi.stubEnv("DATABRICKS_CLIENT_SECRET", undefined);
    vi.stubEnv("DATABRICKS_CONFIG_PROFILE", undefined);
    vi.stubEnv("HOME", emptyHome);
    vi.stubEnv("DATABRICKS_HOST", setup.emulator.host);
    vi.stubEnv("DATABRICKS_TOKEN", setup.emulator.token);
    vi.stubEnv("LAKEBASE_ENDPOINT", setup.endpoint);
    try {
      const pool = createLakebasePool();
      try {
        expect(await currentUser(pool)).toBe(setup.emulator.userName);
      } finally {
        await pool.end();
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("a ~/.databrickscfg profile alone (HOME from env) + LAKEBASE_ENDPOINT", async () => {
    const env = { HOME: homeWithProfile(), LAKEBASE_ENDPOINT: setup.endpoint };
    const pool = createLakebasePool({ env });
    try {
      expect(await currentUser(pool)).toBe(setup.emulator.userName);
    } finally {
      await pool.end();
    }
    const config = await getLakebasePgConfig({ env });
    expect(config).toMatchObject({ endpoint: setup.endpoint, user: setup.emulator.userName });
  });

  it("with neither, the error names both ways (the Apps variables, DATABRICKS_HOST with a credential or a profile, { client })", async () => {
    const outcome = await createPool({ env: { HOME: emptyHome, LAKEBASE_ENDPOINT: setup.endpoint } }).then(() => undefined, (e: unknown) => e as Error);
    expect(outcome).toMatchObject({ name: "CredentialUnavailableError" });
    expect(outcome!.message).toMatch(/not running in Databricks Apps \(DATABRICKS_HOST, DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET not set\)/);
    expect(outcome!.message).toMatch(/the default credential chain has no host/);
    expect(outcome!.message).toMatch(/DATABRICKS_HOST with a credential \(DATABRICKS_TOKEN.*~\/\.databrickscfg profile.*pass \{ client \}/);
  });

  it("a host with no credential: the chain's own list of what it tried is the cause", async () => {
    const pool = createLakebasePool({ env: { HOME: emptyHome, DATABRICKS_HOST: setup.emulator.host, LAKEBASE_ENDPOINT: setup.endpoint, DATABRICKS_CLI_PATH: join(emptyHome, "no-cli") } });
    try {
      const outcome = await pool.query("select 1").then(() => undefined, (e: unknown) => e as Error);
      expect(outcome).toMatchObject({ name: "CredentialUnavailableError" });
      expect(outcome!.message).toMatch(/not running in Databricks Apps .*, and the default credential chain found none \(see cause\).*pass \{ client \}/);
      expect(outcome!.cause).toMatchObject({ name: "NoCredentialsError" });
    } finally {
      await pool.end();
    }
  });

  it("DATABRICKS_WORKSPACE_ID still goes with every request", async () => {
    const seen: (string | null)[] = [];
    const env = { HOME: emptyHome, DATABRICKS_HOST: setup.emulator.host, DATABRICKS_TOKEN: setup.emulator.token, DATABRICKS_WORKSPACE_ID: "1234567890123456", LAKEBASE_ENDPOINT: setup.endpoint };
    const realFetch = globalThis.fetch;
    vi.stubGlobal("fetch", (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      // API calls only: the chain's look at the host's /.well-known metadata is not one.
      if (url.includes("/api/")) seen.push(new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get("x-databricks-workspace-id"));
      return realFetch(input, init);
    });
    try {
      await getLakebasePgConfig({ env });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(["1234567890123456"]));
  });
});

describe("inside Databricks Apps", () => {
  it("the app's service principal wins over a token the environment also holds", async () => {
    const sp = await createServicePrincipalRole(setup);
    const env = {
      DATABRICKS_APP_NAME: "both",
      HOME: homeWithProfile(),
      DATABRICKS_HOST: setup.emulator.host,
      DATABRICKS_TOKEN: setup.emulator.token,
      DATABRICKS_CLIENT_ID: setup.emulator.servicePrincipal.clientId,
      DATABRICKS_CLIENT_SECRET: setup.emulator.servicePrincipal.clientSecret,
      LAKEBASE_ENDPOINT: setup.endpoint,
    };
    const pool = await createPool({ env });
    try {
      expect(pool.lakebase.user).toBe(sp);
      expect(await currentUser(pool)).toBe(sp);
    } finally {
      await pool.end();
    }
  });
});
