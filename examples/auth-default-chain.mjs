// The default credential chain: explicit options > environment > ~/.databrickscfg profile.
// Shows which provider won, and the one error listing every provider when nothing is configured.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLakebaseClient } from "lakebase-sdk";
import { NoCredentialsError } from "lakebase-sdk/auth";
import { defaultCredentials } from "lakebase-sdk/auth/node";

const server = createServer((req, res) => {
  const ok = req.headers.authorization === "Bearer dapi-from-profile";
  res.writeHead(ok ? 200 : 401, { "Content-Type": "application/json" });
  res.end(JSON.stringify(ok ? { name: "projects/demo" } : { error_code: "UNAUTHENTICATED", message: "bad token" }));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const dir = mkdtempSync(join(tmpdir(), "lakebase-example-"));

try {
  const configFile = join(dir, ".databrickscfg");
  writeFileSync(
    configFile,
    `; written by hand for this example
[DEFAULT]
host = https://not-used.cloud.databricks.com

[demo]
host  = http://127.0.0.1:${server.address().port}
token = dapi-from-profile   # inline comments need a space before them
`,
    { mode: 0o600 },
  );

  // env: {} keeps this example independent of the machine it runs on.
  let selected;
  const auth = defaultCredentials({
    configFile,
    profile: "demo",
    env: {},
    onSelected: ({ name, skipped }) => {
      selected = name;
      console.log(`1. selected ${name} (skipped ${skipped.length})`);
    },
  });
  console.log(`   host from the profile: ${auth.host}`);
  assert.equal(auth.host, `http://127.0.0.1:${server.address().port}`);
  const client = createLakebaseClient({ host: auth.host, auth });
  const project = await client.projects.get("projects/demo");
  console.log(`2. GetProject with the profile's token: ${project.name}`);
  assert.equal(project.name, "projects/demo");
  assert.equal(selected, "pat");
  assert.equal(auth.name, "pat");

  const nothing = defaultCredentials({ env: { PATH: "" }, homeDir: join(dir, "empty-home") });
  const error = await nothing.getToken().catch((e) => e);
  if (!(error instanceof NoCredentialsError)) throw error;
  assert.deepEqual(
    error.attempts.map((a) => a.provider),
    ["pat", "oauth-m2m", "databricks-cli", "metadata-service", "github-oidc", "azure-devops-oidc", "env-oidc", "file-oidc", "github-oidc-azure", "azure-msi", "azure-client-secret", "azure-cli", "google-credentials", "google-id"],
  );
  console.log(`3. with nothing configured, one error:\n${error.message.replace(/^/gm, "   ")}`);
  console.log("\nauth-default-chain: ok");
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
