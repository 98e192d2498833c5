// No orphans: a process that dies without calling close() — SIGKILL, SIGTERM, an uncaught
// exception, process.exit() — must not leave a Postgres server, a PGlite worker or a temp directory.
// Runs the backend in a separate Node process built from the sources with esbuild.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectSystemPostgres } from "../../src/emulator/postgres/system.js";

const systemAvailable = !("error" in (await detectSystemPostgres()));
const linux = existsSync("/proc/self/stat");
const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lakebase-pg-crash-test-"));
  await build({
    entryPoints: [source("../../src/emulator/postgres/index.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: join(dir, "backend.mjs"),
    external: ["pg-native", "cloudflare:sockets"],
    // pg is CommonJS: give the ESM bundle a require() for its Node built-ins.
    banner: { js: 'import { createRequire as __lakebaseCreateRequire } from "node:module"; const require = __lakebaseCreateRequire(import.meta.url);' },
    logLevel: "silent",
  });
  writeFileSync(
    join(dir, "victim.mjs"),
    `import { startPostgresBackend } from "./backend.mjs";
const [engine, mode] = process.argv.slice(2);
const backend = await startPostgresBackend({ engine });
await backend.createBranch("main");
await backend.openEndpoint("main", { authenticate: () => true });
process.stdout.write(JSON.stringify({ pids: backend.processes(), tempDir: backend.tempDir }) + "\\n");
if (mode === "throw") setTimeout(() => { throw new Error("boom"); }, 10);
else if (mode === "exit") setTimeout(() => process.exit(3), 10);
else setInterval(() => {}, 1000); // wait to be killed
`,
  );
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Alive and not a zombie (this machine's init does not always reap orphans). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

const cases: ["system" | "pglite", "sigkill" | "sigterm" | "throw" | "exit"][] = [
  ["system", "sigkill"],
  ["system", "sigterm"],
  ["system", "throw"],
  ["pglite", "sigkill"],
  ["pglite", "exit"],
];

describe.skipIf(!linux).each(cases)("%s engine, victim dies by %s", (engine, mode) => {
  it.skipIf(engine === "system" && !systemAvailable)("leaves no process and no temp directory", async () => {
    const victim = spawn(process.execPath, [join(dir, "victim.mjs"), engine, mode], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LAKEBASE_PGLITE_WORKER: source("../../src/emulator/postgres/pglite-worker.mjs") },
    });
    let stdout = "";
    let stderr = "";
    victim.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => victim.on("exit", () => resolve()));
    const info = await new Promise<{ pids: number[]; tempDir: string }>((resolve, reject) => {
      victim.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("\n")) resolve(JSON.parse(stdout));
      });
      victim.on("exit", (code) => reject(new Error(`victim exited early (${code}): ${stderr}`)));
    });
    expect(info.pids.length).toBeGreaterThan(0);
    expect(info.pids.every(running)).toBe(true);
    expect(existsSync(info.tempDir)).toBe(true);

    if (mode === "sigkill") victim.kill("SIGKILL");
    if (mode === "sigterm") victim.kill("SIGTERM");
    await exited;

    // SIGKILL gives no hook a chance: the watchdog / the worker's IPC channel clean up within seconds.
    expect(await eventually(() => !info.pids.some(running), 8000)).toBe(true);
    expect(await eventually(() => !existsSync(info.tempDir), 8000)).toBe(true);
  }, 30_000);
});
