// The CLI example (examples/cli/, TypeScript) in a session as a user would type it: built with
// esbuild, pointed at the embedded emulator through DATABRICKS_HOST / DATABRICKS_TOKEN, then
// `branches create --no-wait`, `operations get`, `operations wait`, `credentials generate`, and
// an API error. Each command's output and exit code is checked.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createLakebaseClient } from "lakebase-sdk";
import { startEmulator } from "lakebase-sdk/emulator";
import { buildTypeScriptExample } from "./support/build-typescript.mjs";

const cli = await buildTypeScriptExample(fileURLToPath(new URL("./cli/lakebase.ts", import.meta.url)));
const emulator = await startEmulator({ operationLatencyMs: 300 });
const env = { ...process.env, DATABRICKS_HOST: emulator.host, DATABRICKS_TOKEN: emulator.token };

/** `lakebase …args`, echoed like a terminal session; resolves with { code, stdout, stderr }. */
function lakebase(...args) {
  console.log(`$ lakebase ${args.join(" ")}`);
  // Asynchronous: this process serves the emulator the CLI talks to.
  return new Promise((resolve) => {
    execFile(process.execPath, [cli.file, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (error.code ?? 1) : 0;
      for (const line of `${stdout}${stderr}`.trimEnd().split("\n")) if (line) console.log(`  ${line}`);
      resolve({ code, stdout, stderr });
    });
  });
}

try {
  // The CLI has no `projects create`; the SDK makes the project the session works in.
  await createLakebaseClient({ host: emulator.host, auth: emulator.token }).projects.create("shop", { spec: { display_name: "Shop" } });

  const list = await lakebase("projects", "list");
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^NAME +DISPLAY NAME +PG\nprojects\/shop +Shop +\d+\n$/);

  // --no-wait: the operation, printed at once; its name is all a later command needs.
  const started = await lakebase("branches", "create", "shop", "feature-x", "--no-wait", "--json");
  assert.equal(started.code, 0);
  const operation = JSON.parse(started.stdout);
  assert.match(operation.name, /^projects\/shop\/branches\/feature-x\/operations\//);
  assert.equal(started.stderr, "", "--json waits quietly");

  const got = await lakebase("operations", "get", operation.name);
  assert.equal(got.code, 0);
  assert.match(got.stdout, new RegExp(`^name: ${operation.name.replace(/[+/=]/g, "\\$&")}\ndone: (yes|no)\n`));

  const waited = await lakebase("operations", "wait", operation.name, "--json");
  assert.equal(waited.code, 0);
  const branch = JSON.parse(waited.stdout);
  assert.equal(branch.name, "projects/shop/branches/feature-x");
  assert.equal(branch.status.current_state, "READY");

  // Waiting in the foreground: stderr is not a terminal here, so progress comes as plain lines.
  const created = await lakebase("branches", "create", "shop", "feature-y", "--ttl", "2h");
  assert.equal(created.code, 0);
  assert.equal(created.stdout, "created projects/shop/branches/feature-y (READY)\n");
  assert.match(created.stderr, /^creating projects\/shop\/branches\/feature-y done after [\d.]+ s, \d+ polls?$/m);
  assert.doesNotMatch(created.stderr, /\x1b/, "no terminal control codes outside a terminal");

  // A credential: the token only with --json.
  const endpoint = "projects/shop/branches/feature-x/endpoints/primary";
  const shown = await lakebase("credentials", "generate", endpoint);
  assert.equal(shown.code, 0);
  assert.match(shown.stdout, /^credential for .+ expires \S+\n\(the token is not shown: use --json to print it\)\n$/);
  const credential = JSON.parse((await lakebase("credentials", "generate", endpoint, "--json", "--ttl", "10m")).stdout);
  assert.ok(typeof credential.token === "string" && credential.token.length > 20);
  assert.ok(!shown.stdout.includes(credential.token.slice(0, 12)));

  // An API error: exit 1 with status, error_code and request id; a usage error: exit 2.
  const missing = await lakebase("operations", "get", "projects/shop/branches/nope/operations/abc");
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^lakebase: 404 NOT_FOUND: .+ \(request id [0-9a-f]{16}\)\n$/);
  const typo = await lakebase("branch", "create");
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^lakebase: unknown command "branch create"\n\nusage: lakebase/);

  console.log("cli-session: ok");
} finally {
  await emulator.stop();
  cli.remove();
}
