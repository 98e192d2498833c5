// Peer: @databricks/sdk-experimental with OAuth M2M; the postgres calls and the operation polling
// by hand through the untyped apiClient.request (the SDK has no postgres service).
import { WorkspaceClient } from "@databricks/sdk-experimental";

const w = new WorkspaceClient({ host: process.env.DATABRICKS_HOST, clientId: process.env.DATABRICKS_CLIENT_ID, clientSecret: process.env.DATABRICKS_CLIENT_SECRET, authType: "oauth-m2m" });
const call = (method, path, query, payload) => w.apiClient.request({ path: `/api/2.0/postgres/${path}`, method, headers: new Headers(), raw: false, query, payload });
let page_token;
do {
  const page = await call("GET", "projects/my-app/branches", page_token ? { page_token } : {});
  for (const branch of page.branches ?? []) console.log(branch.name);
  page_token = page.next_page_token;
} while (page_token);
let operation = await call("POST", "projects/my-app/branches", { branch_id: "dev" }, { spec: { no_expiry: true } });
while (!operation.done) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  operation = await call("GET", operation.name, {});
}
if (operation.error) throw new Error(operation.error.message);
console.log(operation.response.name);
