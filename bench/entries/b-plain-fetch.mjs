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
async function call(method, path, body) {
  const response = await fetch(`${host}/api/2.0/postgres/${path}`, {
    method,
    headers: { Authorization: `Bearer ${await token()}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json();
  if (!response.ok) throw new Error(json.message ?? `HTTP ${response.status}`);
  return json;
}

let pageToken = "";
do {
  const page = await call("GET", `projects/my-app/branches${pageToken ? `?page_token=${encodeURIComponent(pageToken)}` : ""}`);
  for (const branch of page.branches ?? []) console.log(branch.name);
  pageToken = page.next_page_token;
} while (pageToken);

let operation = await call("POST", "projects/my-app/branches?branch_id=dev", { spec: { no_expiry: true } });
while (!operation.done) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  operation = await call("GET", operation.name);
}
if (operation.error) throw new Error(operation.error.message);
console.log(operation.response.name, operation.response.status?.current_state);
