// The serverless example (examples/serverless/handler.ts, a fetch handler) on Node, against the
// embedded emulator: built as it would be deployed (one ESM bundle, the same one the runtime
// matrix runs on workerd), then invoked as a platform would invoke it, request by request.
// Checks: the create returns 202 at once with the operation name; a status call polls once and
// says "not done" while the branch is being made, then "done" with the branch; a second, cold
// instance resumes from the name alone; a failed operation is reported as such; each instance
// fetched exactly one OAuth token.
import assert from "node:assert/strict";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createLakebaseClient } from "lakebase-sdk";
import { startEmulator } from "lakebase-sdk/emulator";
import { buildTypeScriptExample } from "./support/build-typescript.mjs";

const bundle = await buildTypeScriptExample(fileURLToPath(new URL("./serverless/handler.ts", import.meta.url)), { platform: "neutral" });
// Long enough that the first status call certainly finds the branch still being made.
const emulator = await startEmulator({ operationLatencyMs: 1500 });

/** A fresh instance of the function (a cold start): a module instance of its own. */
const coldStart = async (instance) => (await import(`${pathToFileURL(bundle.file).href}?instance=${instance}`)).default;

try {
  await createLakebaseClient({ host: emulator.host, auth: emulator.token }).projects.create("shop", { spec: {} });
  const env = {
    DATABRICKS_HOST: emulator.host,
    DATABRICKS_CLIENT_ID: emulator.servicePrincipal.clientId,
    DATABRICKS_CLIENT_SECRET: emulator.servicePrincipal.clientSecret,
    LAKEBASE_PROJECT: "projects/shop",
  };
  const invoke = async (handler, label, method, path) => {
    const response = await handler.fetch(new Request(`https://previews.example${path}`, { method }), env);
    const body = await response.json();
    console.log(`${label}: ${method} ${path} → ${response.status} ${JSON.stringify(body)} (token fetches: ${response.headers.get("x-token-fetches")})`);
    return { status: response.status, body, headers: response.headers };
  };

  const warm = await coldStart(1);
  const started = Date.now();
  const accepted = await invoke(warm, "instance 1", "POST", "/preview?pr=123");
  assert.equal(accepted.status, 202);
  assert.ok(Date.now() - started < 1500, "the create must return before the branch is ready");
  assert.equal(accepted.body.branch, "projects/shop/branches/pr-123");
  assert.match(accepted.body.operation, /^projects\/shop\/branches\/pr-123\/operations\//);
  assert.equal(accepted.headers.get("location"), accepted.body.status_url);

  const pending = await invoke(warm, "instance 1", "GET", accepted.body.status_url);
  assert.deepEqual(pending.body, { operation: accepted.body.operation, done: false });

  // The next invocation may land on another instance: the operation name is all it needs.
  const cold = await coldStart(2);
  let status;
  for (let attempt = 0; attempt < 40 && !status?.body.done; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    status = await invoke(cold, "instance 2", "GET", accepted.body.status_url);
  }
  assert.equal(status.status, 200);
  assert.equal(status.body.done, true);
  assert.equal(status.body.branch.name, "projects/shop/branches/pr-123");
  assert.equal(status.body.branch.state, "READY");
  assert.ok(status.body.branch.expire_time, "a preview branch expires");

  // A redelivered webhook: the branch exists, which is what was asked for.
  const again = await invoke(warm, "instance 1", "POST", "/preview?pr=123");
  assert.equal(again.status, 200);
  assert.equal(again.body.branch.name, "projects/shop/branches/pr-123");

  const bad = await invoke(warm, "instance 1", "POST", "/preview?pr=abc");
  assert.equal(bad.status, 400);
  const foreign = await invoke(warm, "instance 1", "GET", `/preview/status?operation=${encodeURIComponent("projects/other/branches/x/operations/abc")}`);
  assert.equal(foreign.status, 400);
  const gone = await invoke(warm, "instance 1", "GET", `/preview/status?operation=${encodeURIComponent("projects/shop/branches/pr-9/operations/abc")}`);
  assert.equal(gone.status, 404);

  // A branch that fails to be made: the status call succeeds and reports the operation's error.
  emulator.faults.set({ failOperationKinds: ["Branch"] });
  const doomed = await invoke(warm, "instance 1", "POST", "/preview?pr=456");
  let failed;
  for (let attempt = 0; attempt < 40 && !failed?.body.done; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    failed = await invoke(warm, "instance 1", "GET", doomed.body.status_url);
  }
  emulator.faults.reset();
  assert.equal(failed.status, 200);
  assert.equal(failed.body.error?.error_code, "INTERNAL_ERROR");
  assert.equal(failed.body.branch, undefined);

  // One token per instance, however many invocations it served.
  assert.equal(failed.headers.get("x-token-fetches"), "1");
  assert.equal(status.headers.get("x-token-fetches"), "1");
  console.log("serverless-preview: ok");
} finally {
  await emulator.stop();
  bundle.remove();
}
