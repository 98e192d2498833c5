import pg from "pg";
import createClient from "openapi-fetch";

const host = process.env.DATABRICKS_HOST;
const headers = { Authorization: `Bearer ${process.env.DATABRICKS_TOKEN}` };
const api = createClient({ baseUrl: host, headers });
const check = ({ data, error }) => {
  if (error) throw new Error(error.message ?? "request failed");
  return data;
};

const project = check(await api.GET("/api/2.0/postgres/projects/{project_id}", { params: { path: { project_id: "my-app" } } }));
const [, , , branchId] = project.status.default_branch.split("/");
const { endpoints } = check(await api.GET("/api/2.0/postgres/projects/{project_id}/branches/{branch_id}/endpoints", { params: { path: { project_id: "my-app", branch_id: branchId } } }));
const endpoint = endpoints.find((e) => e.status?.endpoint_type === "ENDPOINT_TYPE_READ_WRITE");
const me = await (await fetch(`${host}/api/2.0/preview/scim/v2/Me`, { headers })).json();

const pool = new pg.Pool({
  host: endpoint.status.hosts.host,
  user: me.userName,
  database: "databricks_postgres",
  ssl: { rejectUnauthorized: true },
  password: async () => check(await api.POST("/api/2.0/postgres/credentials", { body: { endpoint: endpoint.name } })).token,
});
const { rows } = await pool.query("select now() as now");
console.log(rows[0].now);
await pool.end();
