const host = process.env.DATABRICKS_HOST;
const headers = { Authorization: `Bearer ${process.env.DATABRICKS_TOKEN}` };
let token = "";
do {
  const response = await fetch(`${host}/api/2.0/postgres/projects/my-app/branches${token ? `?page_token=${encodeURIComponent(token)}` : ""}`, { headers });
  const page = await response.json();
  if (!response.ok) throw new Error(page.message ?? `HTTP ${response.status}`);
  for (const branch of page.branches ?? []) console.log(branch.name);
  token = page.next_page_token;
} while (token);
