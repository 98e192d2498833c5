// A plain pg.Pool on a Lakebase endpoint: rotating credentials, wake-up retries, verified TLS
// on real hosts. Runs on the embedded emulator (or DATABRICKS_HOST/DATABRICKS_TOKEN + LAKEBASE_ENDPOINT).
import assert from "node:assert/strict";
import { createPool } from "lakebase-sdk/postgres";
import { withLakebase } from "./support/with-lakebase.mjs";

await withLakebase(async ({ client, endpoint }) => {
  const pool = await createPool({ client, endpoint });
  try {
    await pool.query("create table if not exists notes (id serial primary key, body text not null)");
    const inserted = await pool.query("insert into notes (body) values ($1), ($2) returning id, body", ["first", "second"]);
    const { rows } = await pool.query("select id, body from notes order by id");
    console.log(`pg pool: ${rows.length} notes as ${pool.lakebase.user}:`, rows.map((r) => r.body).join(", "));
    // The rows just written come back, in order (a reused table on a real workspace may hold more).
    assert.equal(inserted.rowCount, 2);
    assert.deepEqual(rows.slice(-2), inserted.rows);
    assert.deepEqual(inserted.rows.map((r) => r.body), ["first", "second"]);
    // It connected as the caller's identity (the Postgres role is the user name).
    assert.equal(pool.lakebase.user, (await client.currentUser()).userName);
    console.log("pg-pool: ok");
  } finally {
    await pool.end();
  }
});
