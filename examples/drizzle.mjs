// Drizzle ORM (node-postgres driver) on the Lakebase pool.
import assert from "node:assert/strict";
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
    const inserted = await db.insert(todos).values([{ title: "write the SDK" }, { title: "ship it" }]).returning();
    const all = await db.select().from(todos).orderBy(todos.id);
    console.log(`drizzle: ${all.length} todos:`, all.map((t) => t.title).join(", "));
    // The rows just written come back, in order (a reused table on a real workspace may hold more).
    assert.equal(inserted.length, 2);
    assert.deepEqual(all.slice(-2), inserted);
    assert.deepEqual(inserted.map((t) => t.title), ["write the SDK", "ship it"]);
    console.log("drizzle: ok");
  } finally {
    await pool.end();
  }
});
