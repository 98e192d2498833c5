// The built `lakebase-emulator` bin: starts, prints its host and token as JSON, serves the API,
// and stops cleanly on SIGTERM.
import { spawn } from "node:child_process";
import assert from "node:assert/strict";
import { createInterface } from "node:readline";
import { createLakebaseClient } from "lakebase-sdk";

const child = spawn(process.execPath, ["dist/emulator-cli.js", "--latency-ms", "20"], { stdio: ["ignore", "pipe", "pipe"] });
const firstLine = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("emulator CLI did not start within 30 s")), 30_000);
  createInterface({ input: child.stdout }).once("line", (line) => {
    clearTimeout(timer);
    resolve(line);
  });
  child.once("exit", (code) => reject(new Error(`emulator CLI exited early with ${code}`)));
});
const { host, token, engine } = JSON.parse(firstLine);
const client = createLakebaseClient({ host, auth: token });
const project = await client.projects.create("cli", { spec: {} });
assert.equal(project.name, "projects/cli");
const exit = new Promise((resolve) => child.once("exit", resolve));
child.kill("SIGTERM");
assert.equal(await exit, 0);
console.log(`emulator cli: 1 passed, 0 failed (${engine} engine)`);
