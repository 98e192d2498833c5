// The built `lakebase-emulator` bin: starts, prints its host and token as JSON (the first stdout
// line) and the export block (stderr), serves the API, and stops cleanly on SIGTERM.
import { spawn } from "node:child_process";
import assert from "node:assert/strict";
import { createInterface } from "node:readline";
import { createLakebaseClient } from "lakebase-sdk";

const child = spawn(process.execPath, ["dist/emulator-cli.js", "--latency-ms", "20"], { stdio: ["ignore", "pipe", "pipe"] });
let stderr = "";
child.stderr.on("data", (chunk) => (stderr += chunk));
const firstLine = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("emulator CLI did not start within 30 s")), 30_000);
  createInterface({ input: child.stdout }).once("line", (line) => {
    clearTimeout(timer);
    resolve(line);
  });
  child.once("exit", (code) => reject(new Error(`emulator CLI exited early with ${code}`)));
});
const { host, token, engine } = JSON.parse(firstLine);
for (let waited = 0; !stderr.includes("Ctrl-C to stop."); waited += 20) {
  assert.ok(waited < 10_000, `no start banner on stderr: ${stderr}`);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
assert.ok(stderr.includes(`export DATABRICKS_HOST=${host}\nexport DATABRICKS_TOKEN=${token}\n`), stderr);
const client = createLakebaseClient({ host, auth: token });
const project = await client.projects.create("cli", { spec: {} });
assert.equal(project.name, "projects/cli");
const exit = new Promise((resolve) => child.once("exit", resolve));
child.kill("SIGTERM");
assert.equal(await exit, 0);
console.log(`emulator cli: 1 passed, 0 failed (${engine} engine)`);
