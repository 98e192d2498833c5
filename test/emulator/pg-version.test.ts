/**
 * `spec.pg_version` in the emulator (issue 11): a project runs the Postgres major it asks for when
 * an engine of that major exists (the pinned PGlite is PostgreSQL 18; the system engine is each
 * PostgreSQL installed), else the nearest major with a `Warning` header and a log line, or, with
 * `strictVersions`, its CreateProject operation fails naming what to install. The routing rules are
 * pinned with fake engines; the real engines over raw HTTP and pg, where this machine has them.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { PGLITE_PG_MAJOR, VersionedBackend, type EngineCandidate } from "../../src/emulator/postgres/by-version.js";
import { detectSystemMajors, installHint, pgliteAvailability } from "../../src/emulator/postgres/index.js";
import type { EndpointListener, EngineKind, PostgresBackend } from "../../src/emulator/postgres/types.js";

// --- the routing rules, with fake engines ------------------------------------------------------

interface FakeEngine extends PostgresBackend {
  readonly calls: string[];
  closed: boolean;
}

function fakeEngine(engine: EngineKind): FakeEngine {
  const calls: string[] = [];
  const record = (name: string) => async (...args: unknown[]) => void calls.push(`${name} ${args.filter((a) => typeof a === "string").join(" ")}`);
  return {
    engine,
    calls,
    closed: false,
    tempDir: "/nonexistent",
    createBranch: record("createBranch"),
    forkBranch: record("forkBranch"),
    dropBranch: record("dropBranch"),
    createDatabase: record("createDatabase"),
    dropDatabase: record("dropDatabase"),
    renameDatabase: record("renameDatabase"),
    createRole: record("createRole"),
    dropRole: record("dropRole"),
    query: async (branchId) => (calls.push(`query ${branchId}`), { rows: [{ engine }] }),
    openEndpoint: async (branchId) => (calls.push(`openEndpoint ${branchId}`), {} as EndpointListener),
    processes: () => [engine === "system" ? 1 : 2],
    async close() {
      this.closed = true;
    },
  };
}

/** Candidates whose start() counts, and fails for the kinds in `failing`. */
function candidates(specs: [EngineKind, number][], failing: EngineKind[] = []) {
  const started = new Map<string, FakeEngine>();
  const list: EngineCandidate[] = specs.map(([engine, pgMajor]) => ({
    engine,
    pgMajor,
    ...(engine === "system" ? { version: `${pgMajor}.3` } : {}),
    start: async () => {
      if (failing.includes(engine)) throw new Error(`${engine} ${pgMajor} cannot start`);
      const fake = fakeEngine(engine);
      started.set(`${engine} ${pgMajor}`, fake);
      return fake;
    },
  }));
  return { list, started };
}

function router(specs: [EngineKind, number][], options: { strict?: boolean; failing?: EngineKind[]; choice?: "auto" | EngineKind } = {}) {
  const { list, started } = candidates(specs, options.failing);
  const log: string[] = [];
  const backend = new VersionedBackend(list, {
    log: (m) => log.push(m),
    strict: options.strict ?? false,
    tempDir: mkdtempSync(join(tmpdir(), "pg-version-test-")),
    installHint: (major) => installHint(major, options.choice ?? "auto"),
  });
  return { backend, started, log };
}

describe("routing by Postgres major (fake engines: system 15 and PGlite 18, as on this machine)", () => {
  it("starts nothing until a branch needs an engine, then only that one", async () => {
    const { backend, started } = router([["system", 15], ["pglite", 18]]);
    expect(backend.engine).toBe("system"); // what the default pg_version, 17, runs on: the newest older major
    expect(backend.engines()).toEqual([
      { engine: "pglite", pgMajor: 18, started: false },
      { engine: "system", pgMajor: 15, version: "15.3", started: false },
    ]);
    await backend.createBranch("b15", { pgMajor: 15 });
    expect([...started.keys()]).toEqual(["system 15"]);
    expect(backend.engines().map((e) => e.started)).toEqual([false, true]);
    expect(backend.processes()).toEqual([1]);
    await backend.close();
    expect(started.get("system 15")!.closed).toBe(true);
  });

  it("routes every call by branch id; forks (branches, snapshots) follow their parent", async () => {
    const { backend, started } = router([["system", 15], ["pglite", 18]]);
    await backend.createBranch("a", { pgMajor: 18 });
    await backend.createBranch("b", { pgMajor: 15 });
    await backend.forkBranch("a", "a-child");
    await backend.forkBranch("a-child", "a-snapshot");
    await backend.createDatabase("a-snapshot", "db");
    await backend.createRole("b", "alice");
    expect(await backend.query("a-child", "postgres", "select 1")).toEqual({ rows: [{ engine: "pglite" }] });
    await backend.openEndpoint("b", { authenticate: () => true });
    await backend.dropBranch("a-child");
    await backend.dropBranch("never-made"); // unknown: nothing to drop
    expect(started.get("pglite 18")!.calls).toEqual(["createBranch a", "forkBranch a a-child", "forkBranch a-child a-snapshot", "createDatabase a-snapshot db", "query a-child", "dropBranch a-child"]);
    expect(started.get("system 15")!.calls).toEqual(["createBranch b", "createRole b alice", "openEndpoint b"]);
    await expect(backend.query("a-child", "postgres", "select 1")).rejects.toThrow('branch "a-child" does not exist in the Postgres backend');
    await expect(backend.createBranch("a", { pgMajor: 18 })).rejects.toThrow("already exists");
    await backend.close();
    await expect(backend.createBranch("c")).rejects.toThrow("closed");
  });

  it("substitutes the newest older major, else the nearest newer one; the system engine first within a major", () => {
    const { backend } = router([["pglite", 18], ["system", 15], ["system", 18], ["system", 13]]);
    const ran = (major: number) => {
      const plan = backend.planVersion(major);
      return `${plan.engine} ${plan.pgMajor}${plan.substitution ? " (substituted)" : ""}`;
    };
    expect(ran(18)).toBe("system 18");
    expect(ran(15)).toBe("system 15");
    expect(ran(17)).toBe("system 15 (substituted)");
    expect(ran(14)).toBe("system 13 (substituted)");
    expect(ran(12)).toBe("system 13 (substituted)");
    expect(ran(19)).toBe("system 18 (substituted)");
    void backend.close();
  });

  it("a substitution names the asked and the actual version and what to install, in header-safe text, and is logged with the project", async () => {
    const { backend, log } = router([["system", 15], ["pglite", 18]]);
    const plan = backend.planVersion(16);
    expect(plan).toEqual({
      asked: 16,
      engine: "system",
      pgMajor: 15,
      substitution:
        "pg_version 16 is not available in this emulator: the project runs PostgreSQL 15 (system PostgreSQL 15.3) instead. For PostgreSQL 16, install it (apt-get install postgresql-16, or brew install postgresql@16) or set PG_BIN to its bin directory.",
    });
    expect(plan.substitution).toMatch(/^[\x20-\x7e]+$/);
    await backend.createBranch("p", { pgMajor: 16, project: "projects/p" });
    expect(log).toContain(`projects/p: ${plan.substitution}`);
    // No pg_version (or not a number): the default, 17.
    expect(backend.planVersion(undefined as unknown as number).asked).toBe(17);
    await backend.close();
  });

  it(`engine system: ${PGLITE_PG_MAJOR} runs on the system major, and the hint names the PGlite engine`, () => {
    const { backend } = router([["system", 15]], { choice: "system" });
    expect(backend.engine).toBe("system");
    expect(backend.planVersion(PGLITE_PG_MAJOR).substitution).toBe(
      `pg_version ${PGLITE_PG_MAJOR} is not available in this emulator: the project runs PostgreSQL 15 (system PostgreSQL 15.3) instead. For PostgreSQL ${PGLITE_PG_MAJOR}, install it (apt-get install postgresql-${PGLITE_PG_MAJOR}, or brew install postgresql@${PGLITE_PG_MAJOR}) or set PG_BIN to its bin directory, or use the PGlite engine (engine auto or pglite), which runs ${PGLITE_PG_MAJOR}.`,
    );
    void backend.close();
  });

  it(`auto without PGlite: ${PGLITE_PG_MAJOR} names the PGlite packages; engine pglite: 15 names the system engine`, () => {
    expect(installHint(PGLITE_PG_MAJOR, "auto")).toBe(
      `install PGlite, which runs ${PGLITE_PG_MAJOR} (npm i @electric-sql/pglite@0.5.14 @electric-sql/pglite-socket@0.2.17), or install it (apt-get install postgresql-${PGLITE_PG_MAJOR}, or brew install postgresql@${PGLITE_PG_MAJOR}) or set PG_BIN to its bin directory`,
    );
    expect(installHint(15, "pglite")).toBe("install it (apt-get install postgresql-15, or brew install postgresql@15) or set PG_BIN to its bin directory, and use the engine auto or system");
  });

  it("strict: a major no engine runs is refused (and createBranch throws it); one that exists is not", async () => {
    const { backend, started } = router([["system", 15], ["pglite", 18]], { strict: true });
    expect(backend.planVersion(18)).toEqual({ asked: 18, engine: "pglite", pgMajor: 18 });
    const { refusal, substitution } = backend.planVersion(16);
    expect(substitution).toBeUndefined();
    expect(refusal).toBe(
      "pg_version 16 is not available in this emulator (strict versions): for PostgreSQL 16, install it (apt-get install postgresql-16, or brew install postgresql@16) or set PG_BIN to its bin directory; or start it without strict versions to run the project on PostgreSQL 15 (system PostgreSQL 15.3).",
    );
    await expect(backend.createBranch("x", { pgMajor: 16 })).rejects.toThrow(refusal!);
    expect(started.size).toBe(0);
    await backend.close();
  });

  it("an engine that fails to start is logged, left out, and its branches go to the next engine", async () => {
    const { backend, started, log } = router([["system", 15], ["pglite", 18]], { failing: ["pglite"] });
    await backend.createBranch("a", { pgMajor: 18, project: "projects/a" });
    expect([...started.keys()]).toEqual(["system 15"]);
    expect(log).toContain("PGlite failed to start (pglite 18 cannot start); its projects go to another engine");
    expect(backend.planVersion(18).substitution).toBe(
      "pg_version 18 is not available in this emulator: the project runs PostgreSQL 15 (system PostgreSQL 15.3) instead. For PostgreSQL 18, the PGlite engine failed to start (pglite 18 cannot start).",
    );
    expect(backend.engines().map((e) => e.engine)).toEqual(["system"]);
    await backend.close();
  });

  it("when every engine fails, createBranch says why", async () => {
    const { backend } = router([["pglite", 18]], { failing: ["pglite"] });
    await expect(backend.createBranch("a")).rejects.toThrow("no Postgres engine could start: PGlite: pglite 18 cannot start");
    await backend.close();
  });
});

// --- the real engines, over HTTP and pg --------------------------------------------------------

const systemMajors = (await detectSystemMajors()).found.map((f) => f.major);
const pglite = "ok" in pgliteAvailability();
const majors = [...new Set([...systemMajors, ...(pglite ? [PGLITE_PG_MAJOR] : [])])];
/** The major a project asking `asked` runs here: that one, else the newest older, else the nearest newer. */
const expectedMajor = (asked: number) =>
  majors.includes(asked) ? asked : (majors.filter((m) => m < asked).sort((a, b) => b - a)[0] ?? majors.filter((m) => m > asked).sort((a, b) => a - b)[0]!);
const systemMajor = systemMajors.find((m) => m !== PGLITE_PG_MAJOR);
/** A major no engine here runs (16 on this machine: Debian 12's 15 and PGlite's 18). */
const missingMajor = [16, 14, 13, 19, 17].find((m) => !majors.includes(m))!;
const NO_ENGINE = "no Postgres engine here (install PostgreSQL, or npm i @electric-sql/pglite@0.5.14 @electric-sql/pglite-socket@0.2.17)";
const NO_PGLITE = "PGlite is not installed (npm i @electric-sql/pglite@0.5.14 @electric-sql/pglite-socket@0.2.17)";
const NO_SYSTEM = `no system PostgreSQL other than ${PGLITE_PG_MAJOR} here (apt-get install postgresql, or set PG_BIN)`;

const FAST = 20;

class Api {
  constructor(private readonly emulator: Emulator) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; json: Record<string, any> }> {
    const response = await fetch(`${this.emulator.host}/api/2.0/postgres/${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.emulator.token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, any> };
  }

  async wait(operation: Record<string, any>): Promise<Record<string, any>> {
    let op = operation;
    for (let waited = 0; !op.done; waited += FAST) {
      if (waited > 60_000) throw new Error(`operation ${op.name} not done after 60 s`);
      await new Promise((r) => setTimeout(r, FAST));
      op = (await this.call("GET", op.name)).json;
    }
    return op;
  }

  /** CreateProject: the HTTP answer and the finished operation. */
  async createProject(id: string, spec: Record<string, unknown>) {
    const created = await this.call("POST", `projects?project_id=${id}`, { spec });
    expect(created.status).toBe(200);
    return { warning: created.headers.get("warning"), operation: await this.wait(created.json) };
  }

  async createBranch(project: string, branchId: string) {
    const created = await this.call("POST", `projects/${project}/branches?branch_id=${branchId}`, { spec: { source_branch: `projects/${project}/branches/production` } });
    expect(created.status).toBe(200);
    return this.wait(created.json);
  }

  /** `server_version_num` through the branch's primary endpoint, over verified TLS, with a minted credential. */
  async serverVersion(project: string, branch = "production"): Promise<number> {
    const endpoint = `projects/${project}/branches/${branch}/endpoints/primary`;
    const [host, port] = String((await this.call("GET", endpoint)).json.status.hosts.host).split(":");
    const { token } = (await this.call("POST", "credentials", { endpoint, ttl: "600s" })).json;
    const client = new pg.Client({
      host,
      port: Number(port),
      user: this.emulator.userName,
      password: token,
      database: "databricks_postgres",
      ssl: { rejectUnauthorized: true, ca: this.emulator.caCertificate },
    });
    await client.connect();
    try {
      return Number((await client.query("select current_setting('server_version_num') as v")).rows[0].v);
    } finally {
      await client.end();
    }
  }
}

const majorOf = (versionNum: number) => Math.floor(versionNum / 10000);

describe("engine auto on this machine", () => {
  let emulator: Emulator;
  let api: Api;
  const log: string[] = [];

  beforeAll(async () => {
    if (majors.length === 0) return;
    emulator = await startEmulator({ engine: "auto", operationLatencyMs: FAST, autoSuspend: false, log: (m) => log.push(m) });
    api = new Api(emulator);
  }, 60_000);

  afterAll(async () => {
    await emulator?.stop();
  }, 30_000);

  it("tells which engines it may use, none started yet", (context) => {
    context.skip(majors.length === 0, NO_ENGINE);
    expect(emulator.engines.map((e) => `${e.engine} ${e.pgMajor} ${e.started}`).sort()).toEqual(
      [...systemMajors.map((m) => `system ${m} false`), ...(pglite ? [`pglite ${PGLITE_PG_MAJOR} false`] : [])].sort(),
    );
    // `engine` is what the default pg_version (17) runs on.
    expect(emulator.engine).toBe(systemMajors.includes(expectedMajor(17)) ? "system" : "pglite");
    expect(JSON.parse(JSON.stringify(emulator))).toMatchObject({ engine: emulator.engine, engines: emulator.engines, token: "[redacted]" });
  });

  it(`PGlite runs PostgreSQL ${PGLITE_PG_MAJOR} (the pinned 0.5.14), with no warning`, async (context) => {
    context.skip(!pglite, NO_PGLITE);
    context.skip(systemMajors.includes(PGLITE_PG_MAJOR), `a system PostgreSQL ${PGLITE_PG_MAJOR} is installed: it, not PGlite, serves ${PGLITE_PG_MAJOR}`);
    const { warning, operation } = await api.createProject("vpglite", { pg_version: PGLITE_PG_MAJOR });
    expect(operation.error).toBeUndefined();
    expect(warning).toBeNull();
    expect(majorOf(await api.serverVersion("vpglite"))).toBe(PGLITE_PG_MAJOR);
    expect(emulator.engines.find((e) => e.engine === "pglite")?.started).toBe(true);
  }, 60_000);

  it("no pg_version: the project reports 17 and runs 17, or the nearest major (an older one first) with a Warning header", async (context) => {
    context.skip(majors.length === 0, NO_ENGINE);
    const { warning, operation } = await api.createProject("vdefault", {});
    expect(operation.error).toBeUndefined();
    expect(operation.response.status.pg_version).toBe(17);
    const actual = expectedMajor(17);
    const version = await api.serverVersion("vdefault");
    expect(majorOf(version)).toBe(actual);
    if (actual === 17) expect(version).toBeGreaterThanOrEqual(170000);
    if (actual === 17) expect(warning).toBeNull();
    else expect(warning).toMatch(new RegExp(`^299 - "pg_version 17 is not available in this emulator: the project runs PostgreSQL ${actual} \\(.+\\) instead\\. For PostgreSQL 17, .*apt-get install postgresql-17.*"$`));
  }, 60_000);

  it(`pg_version ${systemMajor ?? "<system>"} runs the system PostgreSQL of that major, with no warning; a fork stays on it`, async (context) => {
    context.skip(systemMajor === undefined, NO_SYSTEM);
    const { warning, operation } = await api.createProject("vsys", { pg_version: systemMajor });
    expect(operation.error).toBeUndefined();
    expect(warning).toBeNull();
    expect(majorOf(await api.serverVersion("vsys"))).toBe(systemMajor);
    expect((await api.createBranch("vsys", "dev")).error).toBeUndefined();
    expect(majorOf(await api.serverVersion("vsys", "dev"))).toBe(systemMajor);
  }, 60_000);

  it(`pg_version ${missingMajor} (no engine of it here) runs on an available engine, with a Warning header and a log line`, async (context) => {
    context.skip(majors.length === 0, NO_ENGINE);
    const { warning, operation } = await api.createProject("vmissing", { pg_version: missingMajor });
    expect(operation.error).toBeUndefined();
    const match = new RegExp(
      `^299 - "pg_version ${missingMajor} is not available in this emulator: the project runs PostgreSQL (\\d+) \\((PGlite|system PostgreSQL [\\d.]+)\\) instead\\. For PostgreSQL ${missingMajor}, install it \\(apt-get install postgresql-${missingMajor}, or brew install postgresql@${missingMajor}\\) or set PG_BIN to its bin directory\\."$`,
    ).exec(warning ?? "");
    expect(match, String(warning)).not.toBeNull();
    const actual = Number(match![1]);
    expect(actual).toBe(expectedMajor(missingMajor));
    // The API still reports what was asked; the server is the substitute.
    expect(operation.response.status.pg_version).toBe(missingMajor);
    expect((await api.call("GET", "projects/vmissing")).json.status.pg_version).toBe(missingMajor);
    expect(majorOf(await api.serverVersion("vmissing"))).toBe(actual);
    expect(log.some((line) => line.startsWith(`projects/vmissing: pg_version ${missingMajor} is not available in this emulator`))).toBe(true);
  }, 60_000);
});

describe("strictVersions", () => {
  let emulator: Emulator;
  let api: Api;

  beforeAll(async () => {
    if (majors.length === 0) return;
    emulator = await startEmulator({ engine: "auto", strictVersions: true, operationLatencyMs: FAST, autoSuspend: false });
    api = new Api(emulator);
  }, 60_000);

  afterAll(async () => {
    await emulator?.stop();
  }, 30_000);

  it(`pg_version ${missingMajor}: the CreateProject operation fails naming what to install, and no project is left`, async (context) => {
    context.skip(majors.length === 0, NO_ENGINE);
    const { warning, operation } = await api.createProject("strict", { pg_version: missingMajor });
    expect(warning).toBeNull();
    expect(operation.done).toBe(true);
    expect(operation.response).toBeUndefined();
    expect(operation.error).toEqual({ error_code: "NOT_IMPLEMENTED", message: expect.stringContaining(`apt-get install postgresql-${missingMajor}`) });
    expect(operation.error.message).toMatch(new RegExp(`^pg_version ${missingMajor} is not available in this emulator \\(strict versions\\)`));
    expect((await api.call("GET", "projects/strict")).status).toBe(404);
    expect(emulator.engines.every((e) => !e.started)).toBe(true);
  });

  it("a pg_version an engine runs is created as usual", async (context) => {
    context.skip(systemMajor === undefined, NO_SYSTEM);
    const { warning, operation } = await api.createProject("strict-ok", { pg_version: systemMajor });
    expect(warning).toBeNull();
    expect(operation.error).toBeUndefined();
    expect(majorOf(await api.serverVersion("strict-ok"))).toBe(systemMajor);
  }, 60_000);
});
