/*
 * A process that used the emulator ends when its work is done. Run in a child process, since what
 * is checked is the process exiting: a socket reset under a TLS layer that had already finished (a
 * pool that said goodbye, then its project deleted inside the proxy's flush grace) left node's
 * event loop spinning at 100 % CPU and the process never exited (the demo timed out in CI).
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const outDir = join(root, "node_modules/.cache/lakebase-emulator-exit-test");
const script = join(outDir, "scenario.mjs");

const SCENARIO = `
import { createLakebaseClient } from "./src/index.ts";
import { startEmulator } from "./src/emulator/index.ts";
import { createPool } from "./src/postgres/index.ts";
const emulator = await startEmulator({ operationLatencyMs: 20 });
const client = createLakebaseClient({ host: emulator.host, auth: emulator.token });
await client.projects.create("gone", { spec: {} }).wait({ pollIntervalMs: 20 });
const pool = await createPool({ client, endpoint: "projects/gone/branches/production/endpoints/primary", env: {}, ssl: { rejectUnauthorized: true, ca: emulator.caCertificate } });
await pool.query("select 1");
await pool.end();
await client.projects.delete("projects/gone", { purge: true }).wait({ pollIntervalMs: 20 });
await emulator.stop();
console.log("scenario: done");
`;

describe("a process that used the emulator over TLS", () => {
  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    await build({ stdin: { contents: SCENARIO, resolveDir: root, loader: "ts" }, bundle: true, platform: "node", format: "esm", packages: "external", outfile: script, logLevel: "error" });
  });

  it("exits once its pool has ended, its project is deleted and the emulator stopped", async () => {
    const child = spawn(process.execPath, [script], {
      cwd: root,
      // The bundle is not next to pglite-worker.mjs; tell the PGlite engine where it is.
      env: { ...process.env, LAKEBASE_PGLITE_WORKER: join(root, "src/emulator/postgres/pglite-worker.mjs") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    const outcome = await new Promise<string>((done) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        done("still running after 20 s");
      }, 20_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        done(`exit ${code}`);
      });
    });
    expect(output).toContain("scenario: done");
    expect(outcome, output).toBe("exit 0");
  }, 60_000);
});
