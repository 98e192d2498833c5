import createClient from "openapi-fetch";

const api = createClient({ baseUrl: process.env.DATABRICKS_HOST, headers: { Authorization: `Bearer ${process.env.DATABRICKS_TOKEN}` } });
let page_token;
do {
  const { data, error } = await api.GET("/api/2.0/postgres/projects/{project_id}/branches", { params: { path: { project_id: "my-app" }, query: { page_token } } });
  if (error) throw new Error(error.message ?? "list failed");
  for (const branch of data.branches ?? []) console.log(branch.name);
  page_token = data.next_page_token;
} while (page_token);
