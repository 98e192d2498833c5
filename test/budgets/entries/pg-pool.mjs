// Budget entry (c): a Node service that queries Postgres through `lakebase-sdk/postgres` (rotating
// database credentials, wake-up retries), in the tree-shakeable style: the core client, so the
// bundle holds the few generated calls the pool makes and not a method per operation.
// `pg` itself is external: users install it anyway.
import { createCoreClient } from "lakebase-sdk";
import { createPool } from "lakebase-sdk/postgres";

const client = createCoreClient({ host: process.env.DATABRICKS_HOST, auth: process.env.DATABRICKS_TOKEN });
const pool = await createPool({ client, project: "my-app" });
const { rows } = await pool.query("select now() as now");
console.log(rows[0].now);
await pool.end();
