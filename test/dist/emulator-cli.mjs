// The built `lakebase-emulator` bin: starts, prints its host and token as JSON (the first stdout
// line) and the export block (stderr), serves the API, and stops cleanly on SIGTERM; with
// --data-dir, a second start on the same directory has the first one's project and token.
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

// --data-dir: a project and the token survive a stop and a start on the same directory.
const dataDir = mkdtempSync(join(tmpdir(), "lakebase-dist-data-dir-"));
chmodSync(dataDir, 0o755); // the system engine runs PostgreSQL as `postgres` when this runs as root
try {
  const first = await startCli(["--data-dir", dataDir, "--latency-ms", "20"]);
  await createLakebaseClient({ host: first.info.host, auth: first.info.token }).projects.create("kept", { spec: {} });
  await first.stop();
  const second = await startCli(["--data-dir", dataDir]);
  assert.equal(second.info.token, first.info.token);
  const kept = await createLakebaseClient({ host: second.info.host, auth: first.info.token }).projects.get("projects/kept");
  assert.equal(kept.name, "projects/kept");
  await second.stop();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`emulator cli: 2 passed, 0 failed (${engine} engine)`);

/** Starts the bin with `args`; resolves with its JSON line and a stop() that expects exit 0 after SIGTERM. */
async function startCli(args) {
  const cli = spawn(process.execPath, ["dist/emulator-cli.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  cli.stderr.on("data", (chunk) => (err += chunk));
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator CLI ${args.join(" ")} did not start within 30 s: ${err}`)), 30_000);
    createInterface({ input: cli.stdout }).once("line", (text) => {
      clearTimeout(timer);
      resolve(text);
    });
    cli.once("exit", (code) => reject(new Error(`emulator CLI exited early with ${code}: ${err}`)));
  });
  const exited = new Promise((resolve) => cli.once("exit", resolve));
  return {
    info: JSON.parse(line),
    stop: async () => {
      cli.kill("SIGTERM");
      assert.equal(await exited, 0);
    },
  };
}
