/**
 * Issue 9, defect 6 (database side): pg keeps the resolved password as a hidden own property of
 * each Client, so `util.inspect(pool, { showHidden: true })` showed the database credential. Checked
 * here against the emulator's real Postgres: the value is gone from every string form while the
 * pool keeps working (queries, reused clients, new connections after a rotation).
 */
import { inspect } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, type LakebaseClient } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { createPool, getPgConfig } from "../../src/postgres/index.js";
import { hideConnectionPasswords } from "../../src/postgres/redact.js";
import { LeakMatrix } from "./matrix.js";

const KIND = "DB credential";
const EP = "projects/sec/branches/production/endpoints/primary";
const matrix = new LeakMatrix().guard("database credential");
let emulator: Emulator;
let client: LakebaseClient;

beforeAll(async () => {
  emulator = await startEmulator({ operationLatencyMs: 5, engine: (process.env.LAKEBASE_EMULATOR_ENGINE as "auto") ?? "auto" });
  client = createLakebaseClient({ host: emulator.host, auth: emulator.token });
  await client.projects.create("sec", { spec: {} }).wait({ pollIntervalMs: 10 });
}, 60_000);

afterAll(async () => {
  await emulator?.stop();
});

describe("the database credential", () => {
  it("is in no string form of the pool or its clients, and the pool keeps working", async () => {
    const pool = await createPool({ client, endpoint: EP, env: {} });
    try {
      const held = await pool.connect();
      const secret = await pool.lakebase.credentials.getPassword();
      expect((await held.query("select 1 as ok")).rows[0].ok).toBe(1);
      for (const [label, value] of [["pool", pool], ["pool client", held], ["pg config", pool.lakebase]] as const) {
        matrix.checkValue(KIND, label, value, [secret]);
        matrix.check(KIND, `${label} inspect showHidden depth 6`, inspect(value, { showHidden: true, depth: 6 }), [secret]);
      }
      held.release();

      // The released client is reused, and new connections still authenticate.
      expect((await pool.query("select 2 as n")).rows[0].n).toBe(2);
      const more = await Promise.all([pool.connect(), pool.connect()]);
      expect((await more[1]!.query("select 3 as n")).rows[0].n).toBe(3);
      more.forEach((c) => c.release());
      matrix.check(KIND, "pool inspect showHidden (3 clients)", inspect(pool, { showHidden: true, depth: 6 }), [secret]);

      // After a rotation the refused credential is replaced once; the new one is hidden too.
      emulator.expireCredentials();
      pool.lakebase.credentials.invalidate();
      const fresh = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
      const next = await pool.lakebase.credentials.getPassword();
      expect(next).not.toBe(secret);
      expect((await fresh[2]!.query("select 4 as n")).rows[0].n).toBe(4);
      fresh.forEach((c) => c.release());
      matrix.check(KIND, "pool inspect showHidden (after rotation)", inspect(pool, { showHidden: true, depth: 6 }), [secret, next]);
    } finally {
      await pool.end();
    }
  });

  it("a server error quoting a credential that was used is scrubbed (it is remembered at connect)", async () => {
    const pool = await createPool({ client, endpoint: EP, env: {} });
    try {
      await pool.query("select 1");
      const secret = await pool.lakebase.credentials.getPassword();
      const { apiErrorFromResponse } = await import("../../src/ops/errors.js");
      const error = apiErrorFromResponse({ status: 400, bodyText: JSON.stringify({ error_code: "BAD_REQUEST", message: `password ${secret} refused` }) });
      matrix.checkValue(KIND, "error (server echo)", error, [secret]);
    } finally {
      await pool.end();
    }
  });

  it("a plain pg.Pool with a string password: hidden from the pool options and from its clients", async () => {
    const config = await getPgConfig({ client, endpoint: EP, env: {} });
    const secret = await config.password();
    const pool = new pg.Pool({ host: config.host, port: config.port, user: config.user, database: config.database, password: secret, ssl: false });
    hideConnectionPasswords(pool);
    try {
      expect((await pool.query("select 5 as n")).rows[0].n).toBe(5);
      const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
      expect((await b!.query("select 6 as n")).rows[0].n).toBe(6);
      a!.release();
      b!.release();
      matrix.check(KIND, "plain pg.Pool inspect showHidden", inspect(pool, { showHidden: true, depth: 6 }), [secret]);
    } finally {
      await pool.end();
    }
  });
});
