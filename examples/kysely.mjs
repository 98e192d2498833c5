// Kysely on the Lakebase pool.
import { Kysely, PostgresDialect, sql } from "kysely";
import { createPool, getOrmConfig } from "lakebase-sdk/postgres";
import { withLakebase } from "./support/with-lakebase.mjs";

await withLakebase(async ({ client, endpoint }) => {
  const pool = await createPool({ client, endpoint });
  const db = new Kysely({ dialect: new PostgresDialect(getOrmConfig(pool).kysely) });
  try {
    await sql`create table if not exists pets (id serial primary key, name text not null)`.execute(db);
    await db.insertInto("pets").values([{ name: "Rex" }, { name: "Tom" }]).execute();
    const pets = await db.selectFrom("pets").select(["id", "name"]).orderBy("id").execute();
    console.log(`kysely: ${pets.length} pets:`, pets.map((p) => p.name).join(", "));
  } finally {
    await db.destroy(); // ends the pool
  }
});
