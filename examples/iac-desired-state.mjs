// The IaC example (examples/iac/deploy.ts, on lakebase-sdk/iac) against the embedded emulator:
// built with esbuild as a user's script would be, run with the emulator's environment, and its
// output checked: the first deploy creates the three resources the bundle names, the second prints
// `unchanged` for every one, the changed field is a one-field plan, and nothing is left at the end.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { startEmulator } from "lakebase-sdk/emulator";
import { buildTypeScriptExample } from "./support/build-typescript.mjs";

const script = await buildTypeScriptExample(fileURLToPath(new URL("./iac/deploy.ts", import.meta.url)));
const emulator = await startEmulator({ operationLatencyMs: 100 });
try {
  // Asynchronously: the emulator serves from this process's event loop.
  const { stdout: output } = await promisify(execFile)(process.execPath, [script.file, fileURLToPath(new URL("./iac/databricks.yml", import.meta.url))], {
    env: { ...process.env, DATABRICKS_HOST: emulator.host, DATABRICKS_TOKEN: emulator.token },
    encoding: "utf8",
    timeout: 50_000,
  });
  console.log(output);
  const section = (n) => output.slice(output.indexOf(`${n}. `), output.indexOf(`${n + 1}. `) === -1 ? undefined : output.indexOf(`${n + 1}. `));
  assert.match(section(1), /Plan: 3 to create, 0 to update, 0 to recreate, 0 to delete, 0 unchanged\./);
  for (const name of ["projects/my-lakebase-app", "projects/my-lakebase-app/branches/dev", "projects/my-lakebase-app/branches/dev/endpoints/replica"]) {
    assert.match(section(1), new RegExp(`created\\s+\\w+\\s+${name}\\n`));
  }
  assert.match(section(2), /Plan: 0 to create, 0 to update, 0 to recreate, 0 to delete, 3 unchanged\./);
  assert.equal(section(2).match(/^ {2}unchanged /gm)?.length, 3);
  assert.doesNotMatch(section(2), /operation /);
  assert.match(section(3), /Plan: 0 to create, 1 to update, 0 to recreate, 0 to delete, 2 unchanged\.\n~ endpoint projects\/my-lakebase-app\/branches\/dev\/endpoints\/replica\n {4}spec\.autoscaling_limit_max_cu: 0\.5 → 1\n/);
  assert.match(section(3), /updated\s+endpoint\s+projects\/my-lakebase-app\/branches\/dev\/endpoints\/replica/);
  assert.match(output, /4\. converged: 0 changes left/);
  assert.doesNotMatch(output, new RegExp(emulator.token));
  console.log("iac-desired-state: ok");
} finally {
  await emulator.stop();
  script.remove();
}
