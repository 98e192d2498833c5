// Peer: @databricks/sdk-experimental has no postgres service: the untyped apiClient.request.
import { WorkspaceClient } from "@databricks/sdk-experimental";

const w = new WorkspaceClient({ host: process.env.DATABRICKS_HOST, token: process.env.DATABRICKS_TOKEN, authType: "pat" });
let page_token;
do {
  const page = await w.apiClient.request({ path: "/api/2.0/postgres/projects/my-app/branches", method: "GET", headers: new Headers(), raw: false, query: page_token ? { page_token } : {} });
  for (const branch of page.branches ?? []) console.log(branch.name);
  page_token = page.next_page_token;
} while (page_token);
