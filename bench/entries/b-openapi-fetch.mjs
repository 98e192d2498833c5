import createClient from "openapi-fetch";

const host = process.env.DATABRICKS_HOST;
let cached;
async function token() {
  if (cached && cached.expiresAt > Date.now() + 60_000) return cached.value;
  const response = await fetch(`${host}/oidc/v1/token`, {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`${process.env.DATABRICKS_CLIENT_ID}:${process.env.DATABRICKS_CLIENT_SECRET}`)}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&scope=all-apis",
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error_description ?? "token request failed");
  cached = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
  return cached.value;
}

const api = createClient({ baseUrl: host });
api.use({ async onRequest({ request }) { request.headers.set("Authorization", `Bearer ${await token()}`); return request; } });

let page_token;
do {
  const { data, error } = await api.GET("/api/2.0/postgres/projects/{project_id}/branches", { params: { path: { project_id: "my-app" }, query: { page_token } } });
  if (error) throw new Error(error.message ?? "list failed");
  for (const branch of data.branches ?? []) console.log(branch.name);
  page_token = data.next_page_token;
} while (page_token);

const created = await api.POST("/api/2.0/postgres/projects/{project_id}/branches", { params: { path: { project_id: "my-app" }, query: { branch_id: "dev" } }, body: { spec: { no_expiry: true } } });
if (created.error) throw new Error(created.error.message ?? "create failed");
let operation = created.data;
while (!operation.done) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  // The operation name is a path of its own (projects/…/operations/…): spliced in, not encoded.
  const polled = await api.GET("/api/2.0/postgres/{operation_name}", { params: { path: { operation_name: operation.name } }, pathSerializer: (url) => url.replace("{operation_name}", operation.name) });
  if (polled.error) throw new Error(polled.error.message ?? "poll failed");
  operation = polled.data;
}
if (operation.error) throw new Error(operation.error.message);
console.log(operation.response.name, operation.response.status?.current_state);
