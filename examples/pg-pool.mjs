// A plain pg.Pool on a Lakebase endpoint: rotating credentials, wake-up retries, verified TLS
// on real hosts. Runs on the embedded emulator (or DATABRICKS_HOST/DATABRICKS_TOKEN + LAKEBASE_ENDPOINT).
import { createLakebaseClient } from "lakebase-sdk";
import { createPool } from "lakebase-sdk/postgres";
import { withLakebase } from "./support/with-lakebase.mjs";

await withLakebase(async ({ client, endpoint }) => {
  const pool = await createPool({ client, endpoint });
  try {
    await pool.query("create table if not exists notes (id serial primary key, body text not null)");
    await pool.query("insert into notes (body) values ($1), ($2)", ["first", "second"]);
    const { rows } = await pool.query("select id, body from notes order by id");
    console.log(`pg pool: ${rows.length} notes as ${pool.lakebase.user}:`, rows.map((r) => r.body).join(", "));
  } finally {
    await pool.end();
  }
});
