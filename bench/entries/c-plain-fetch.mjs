import pg from "pg";

const host = process.env.DATABRICKS_HOST;
const headers = { Authorization: `Bearer ${process.env.DATABRICKS_TOKEN}`, "Content-Type": "application/json" };
async function call(method, path, body) {
  const response = await fetch(`${host}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const json = await response.json();
  if (!response.ok) throw new Error(json.message ?? `HTTP ${response.status}`);
  return json;
}

const project = await call("GET", "/api/2.0/postgres/projects/my-app");
const { endpoints } = await call("GET", `/api/2.0/postgres/${project.status.default_branch}/endpoints`);
const endpoint = endpoints.find((e) => e.status?.endpoint_type === "ENDPOINT_TYPE_READ_WRITE");
const me = await call("GET", "/api/2.0/preview/scim/v2/Me");

const pool = new pg.Pool({
  host: endpoint.status.hosts.host,
  user: me.userName,
  database: "databricks_postgres",
  ssl: { rejectUnauthorized: true },
  password: async () => (await call("POST", "/api/2.0/postgres/credentials", { endpoint: endpoint.name })).token,
});
const { rows } = await pool.query("select now() as now");
console.log(rows[0].now);
await pool.end();
