// README's "First call", run as written against the embedded emulator (host and token swapped in).
// Each result is also checked (node:assert), so the example fails when a promise is not kept.
import assert from "node:assert/strict";
import { createLakebaseClient, NotFoundError } from "lakebase-sdk";
import { startEmulator } from "lakebase-sdk/emulator";

const emulator = await startEmulator({ operationLatencyMs: 100 });
try {
  const client = createLakebaseClient({ host: emulator.host, auth: emulator.token });
  await client.projects.create("my-app", { spec: {} });

  // Create a branch and wait for it: mutations return an awaitable operation handle.
  const branch = await client.branches.create("projects/my-app", "dev", { spec: { no_expiry: true } });
  console.log(branch.status?.current_state); // effective values live in `status`
  assert.equal(branch.name, "projects/my-app/branches/dev");
  assert.equal(branch.status?.current_state, "READY");

  // Or keep the handle (--no-wait), store its name, and resume in another process.
  const op = client.endpoints.update("projects/my-app/branches/dev/endpoints/primary", {
    spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", suspend_timeout_duration: "600s" },
  }); // update_mask=spec.suspension, derived by the live API's rules
  const { name } = await op.submitted();
  const endpoint = await client.operations.resume(name, "UpdateEndpoint"); // a typed Endpoint
  console.log(endpoint.status?.suspend_timeout_duration);
  assert.match(name, /^projects\/my-app\/branches\/dev\/endpoints\/primary\/operations\/[A-Za-z0-9+/=_-]+$/);
  assert.equal(endpoint.name, "projects/my-app/branches/dev/endpoints/primary");
  assert.equal(endpoint.status?.suspend_timeout_duration, "600s");

  // Lists walk every page lazily; each page carries a resumable token.
  const listed = [];
  for await (const b of client.branches.list("projects/my-app")) {
    console.log(b.name);
    listed.push(b.name);
  }
  assert.deepEqual(listed.sort(), ["projects/my-app/branches/dev", "projects/my-app/branches/production"]);

  // Un-protect a branch: explicit false is sent, the mask is spec.is_protected.
  const unprotected = await client.branches.update("projects/my-app/branches/dev", { spec: { is_protected: false } });
  assert.equal(unprotected.status?.is_protected, false);

  let notFound;
  try {
    await client.projects.get("projects/nope");
  } catch (error) {
    if (error instanceof NotFoundError) console.log(error.errorCode, error.requestId);
    else throw error;
    notFound = error;
  }
  assert.ok(notFound instanceof NotFoundError, "getting a missing project must throw NotFoundError");
  assert.equal(notFound.errorCode, "NOT_FOUND");
  assert.equal(notFound.status, 404);
  assert.match(notFound.requestId, /^[0-9a-f]{16}$/); // the emulator's x-request-id
  console.log("first-call: ok");
} finally {
  await emulator.stop();
}
