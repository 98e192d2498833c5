import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadRequestError, createLakebaseClient, fieldMask, NotFoundError, snapshotName, snapshotScheduleName, type LakebaseClient } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";

/**
 * The snapshot API (spec, one emulator handler file, wire cases) through the client against the
 * emulator: real HTTP, real Postgres, every response checked against the generated zod schemas.
 */
let emulator: Emulator;
let client: LakebaseClient;
const sent: string[] = [];
const P = "projects/vault";
const PROD = `${P}/branches/production`;
const SNAP = snapshotName(P, "before-migration");
const FAST = { pollIntervalMs: 20 };

beforeAll(async () => {
  emulator = await startEmulator({ operationLatencyMs: 30, autoSuspend: false, engine: (process.env.LAKEBASE_EMULATOR_ENGINE as "auto") ?? "auto" });
  client = createLakebaseClient({
    host: emulator.host,
    auth: emulator.token,
    validateResponses: true,
    fetch: (request) => {
      sent.push(`${request.method} ${new URL(request.url).pathname}${new URL(request.url).search}`);
      return fetch(request);
    },
  });
  await client.projects.create("vault", { spec: { pg_version: 17 } }).wait(FAST);
}, 60_000);

afterAll(async () => {
  await emulator?.stop();
});

async function rows(branch: string): Promise<string[]> {
  const endpoint = `${branch}/endpoints/primary`;
  const ep = await client.endpoints.get(endpoint);
  const [host, port] = ep.status!.hosts!.host!.split(":");
  const token = (await client.credentials.generate({ endpoint })).token!;
  const c = new pg.Client({ host, port: Number(port), user: emulator.userName, password: token, database: "databricks_postgres", ssl: false });
  await c.connect();
  try {
    return (await c.query("select note from notes order by id")).rows.map((r) => r.note as string);
  } finally {
    await c.end();
  }
}

describe("snapshots", () => {
  it("takes a snapshot, lists and gets it, restores a branch from it with the snapshot's data, deletes it", async () => {
    await emulator.query(PROD, "databricks_postgres", "create table notes (id int primary key, note text)");
    await emulator.query(PROD, "databricks_postgres", "insert into notes values (1, 'kept')");

    const taken = await client.snapshots.create(P, "before-migration", { spec: { source_branch: PROD, no_expiry: true } }).wait(FAST);
    expect(taken).toMatchObject({ name: SNAP, snapshot_id: "before-migration", status: { source_branch: PROD, no_expiry: true } });
    // Written after the snapshot: production has it, a restored branch must not.
    await emulator.query(PROD, "databricks_postgres", "insert into notes values (2, 'after')");

    expect((await client.snapshots.list(P).toArray({ limit: 10 })).map((s) => s.name)).toEqual([SNAP]);
    expect((await client.snapshots.get(SNAP)).create_time).toBe(taken.create_time);

    const restored = await client.branches.create(P, "restored", { spec: { source_snapshot: SNAP } }).wait(FAST);
    expect(restored.status).toMatchObject({ current_state: "READY", source_snapshot: SNAP, source_branch: PROD });
    expect(await rows(`${P}/branches/restored`)).toEqual(["kept"]);
    expect(await rows(PROD)).toEqual(["kept", "after"]);

    // A snapshot and a source branch at once is refused by the API.
    await expect(client.branches.create(P, "both", { spec: { source_snapshot: SNAP, source_branch: PROD } }).submitted()).rejects.toBeInstanceOf(BadRequestError);

    await client.snapshots.delete(SNAP).wait(FAST);
    await expect(client.snapshots.get(SNAP)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.branches.create(P, "late", { spec: { source_snapshot: SNAP } }).submitted()).rejects.toBeInstanceOf(NotFoundError);
    // The restored branch is a branch of its own: its data outlives the snapshot.
    expect(await rows(`${P}/branches/restored`)).toEqual(["kept"]);
  });

  it("reads and updates a branch's schedule with the derived mask `schedule`; refuses a bad cadence", async () => {
    const name = snapshotScheduleName(PROD);
    expect(await client.snapshots.getSchedule(name)).toEqual({ name });

    const patch = { schedule: [{ retention: "604800s" as const, daily_schedule: { hour: 0 } }, { retention: "2592000s" as const, monthly_schedule: { day: 1, hour: 3 } }] };
    expect(fieldMask.fromPatch("snapshotSchedule", patch)).toEqual(["schedule"]);
    sent.length = 0;
    const updated = await client.snapshots.updateSchedule(name, patch).wait(FAST);
    expect(sent[0]).toBe(`PATCH /api/2.0/postgres/${name}?update_mask=schedule`);
    expect(updated).toEqual({ name, ...patch });
    expect(await client.snapshots.getSchedule(name)).toEqual({ name, ...patch });

    await expect(client.snapshots.updateSchedule(name, { schedule: [{ retention: "60s", daily_schedule: { hour: 1 } }] }).submitted()).rejects.toThrow(/at least 3600s/);
    await expect(client.snapshots.updateSchedule(name, { schedule: [{ retention: "3600s" }] }).submitted()).rejects.toThrow(/exactly one of/);

    // An empty list turns scheduled snapshots off (and, as proto3 JSON, is omitted).
    expect(await client.snapshots.updateSchedule(name, { schedule: [] }).wait(FAST)).toEqual({ name });
  });
});
