// Drizzle ORM (node-postgres driver) on the Lakebase pool.
import { drizzle } from "drizzle-orm/node-postgres";
import { pgTable, serial, text } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { createPool, getOrmConfig } from "lakebase-sdk/postgres";
import { withLakebase } from "./support/with-lakebase.mjs";

const todos = pgTable("todos", { id: serial("id").primaryKey(), title: text("title").notNull() });

await withLakebase(async ({ client, endpoint }) => {
  const pool = await createPool({ client, endpoint });
  try {
    const db = drizzle(getOrmConfig(pool).drizzle);
    await db.execute(sql`create table if not exists todos (id serial primary key, title text not null)`);
    await db.insert(todos).values([{ title: "write the SDK" }, { title: "ship it" }]);
    const all = await db.select().from(todos);
    console.log(`drizzle: ${all.length} todos:`, all.map((t) => t.title).join(", "));
  } finally {
    await pool.end();
  }
});
