// Kysely on the Lakebase pool.
import assert from "node:assert/strict";
import { Kysely, PostgresDialect, sql } from "kysely";
import { createPool, getOrmConfig } from "lakebase-sdk/postgres";
import { withLakebase } from "./support/with-lakebase.mjs";

await withLakebase(async ({ client, endpoint }) => {
  const pool = await createPool({ client, endpoint });
  const db = new Kysely({ dialect: new PostgresDialect(getOrmConfig(pool).kysely) });
  try {
    await sql`create table if not exists pets (id serial primary key, name text not null)`.execute(db);
    const inserted = await db.insertInto("pets").values([{ name: "Rex" }, { name: "Tom" }]).returning(["id", "name"]).execute();
    const pets = await db.selectFrom("pets").select(["id", "name"]).orderBy("id").execute();
    console.log(`kysely: ${pets.length} pets:`, pets.map((p) => p.name).join(", "));
    // The rows just written come back, in order (a reused table on a real workspace may hold more).
    assert.equal(inserted.length, 2);
    assert.deepEqual(pets.slice(-2), inserted);
    assert.deepEqual(inserted.map((p) => p.name), ["Rex", "Tom"]);
    console.log("kysely: ok");
  } finally {
    await db.destroy(); // ends the pool
  }
});
