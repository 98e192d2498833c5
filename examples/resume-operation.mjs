// The serverless story: one invocation starts a long-running operation and returns at once
// (--no-wait), keeping only the operation name; a later invocation — here another process —
// resumes the wait from that name and gets the typed result.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createLakebaseClient, OperationTimeoutError } from "lakebase-sdk";
import { startEmulator } from "lakebase-sdk/emulator";

if (process.argv[2] === "--resume") {
  // "The next invocation": only host, token and the stored name cross the process boundary.
  const [host, token, name] = process.argv.slice(3);
  const client = createLakebaseClient({ host, auth: token });
  const branch = await client.operations.resume(name, "CreateBranch").wait({ pollIntervalMs: 50 });
  console.log(JSON.stringify({ name: branch.name, state: branch.status.current_state }));
} else {
  const emulator = await startEmulator({ operationLatencyMs: 1500 });
  try {
    const client = createLakebaseClient({ host: emulator.host, auth: emulator.token });
    await client.projects.create("jobs", { spec: {} }).wait({ pollIntervalMs: 50 });

    const handle = client.branches.create("projects/jobs", "nightly", { spec: { ttl: "86400s" } });
    const { name } = await handle.submitted();
    console.log(`invocation 1: started ${name}, returning without waiting`);

    // A short wait that runs out also hands back the name.
    const timeout = await handle.wait({ timeoutMs: 200, pollIntervalMs: 50 }).catch((e) => e);
    if (!(timeout instanceof OperationTimeoutError)) throw new Error("expected a timeout");
    console.log(`invocation 1: a 200 ms wait timed out; resume with ${timeout.operationName}`);

    // Asynchronously: this process hosts the emulator, so it must keep serving meanwhile.
    const { stdout } = await promisify(execFile)(process.execPath, [new URL(import.meta.url).pathname, "--resume", emulator.host, emulator.token, timeout.operationName]);
    const result = JSON.parse(stdout);
    console.log(`invocation 2 (another process): ${result.name} is ${result.state}`);
    assert.deepEqual(result, { name: "projects/jobs/branches/nightly", state: "READY" }, "resume failed");
    assert.equal(timeout.operationName, name);
    assert.equal(timeout.operationKind, "CreateBranch");
    console.log("resume-operation: ok");
  } finally {
    await emulator.stop();
  }
}
