/*
 * The CLI example's contract with scripts (examples/cli/): exit codes 0 / 1 / 2, --json output on
 * stdout and JSON errors on stderr, the credential token shown only under --json, and a progress
 * line only on a terminal. The CLI runs as a child process against an in-process emulator, bundled
 * from source ("lakebase-sdk" mapped to src/) so this runs before the build, as unit tests do;
 * examples/cli-session.mjs runs the same CLI on the built package.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { progressReporter } from "../../examples/cli/progress.js";
import { createLakebaseClient } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
let outDir: string;
let cliFile: string;
let emulator: Emulator;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function lakebase(args: string[], env: Record<string, string | undefined> = { DATABRICKS_HOST: emulator.host, DATABRICKS_TOKEN: emulator.token }): Promise<Run> {
  return new Promise((done) => {
    // Only what the CLI should read: a developer's own DATABRICKS_* must not leak into the test.
    const childEnv = { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv;
    execFile(process.execPath, [cliFile, ...args], { env: childEnv, timeout: 20_000 }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "lakebase-cli-test-"));
  cliFile = join(outDir, "lakebase.mjs");
  await build({
    entryPoints: [join(root, "examples/cli/lakebase.ts")],
    outfile: cliFile,
    bundle: true,
    platform: "node",
    format: "esm",
    logLevel: "error",
    plugins: [
      {
        name: "lakebase-sdk-from-source",
        setup(b) {
          b.onResolve({ filter: /^lakebase-sdk$/ }, () => ({ path: join(root, "src/index.ts") }));
        },
      },
    ],
  });
  emulator = await startEmulator({ operationLatencyMs: 50 });
  await createLakebaseClient({ host: emulator.host, auth: emulator.token }).projects.create("cli", { spec: { display_name: "CLI" } });
}, 60_000);

afterAll(async () => {
  await emulator?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe("exit code 0 and --json", () => {
  it("projects list --json prints the projects as one JSON array, nothing on stderr", async () => {
    const run = await lakebase(["projects", "list", "--json"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const projects = JSON.parse(run.stdout);
    expect(projects.map((p: { name: string }) => p.name)).toContain("projects/cli");
  });

  it("branches create --no-wait --json prints the operation; operations wait --json prints the branch", async () => {
    const started = await lakebase(["branches", "create", "cli", "json-branch", "--no-wait", "--json"]);
    expect(started).toMatchObject({ code: 0, stderr: "" });
    const operation = JSON.parse(started.stdout);
    expect(operation.name).toMatch(/^projects\/cli\/branches\/json-branch\/operations\//);

    const got = await lakebase(["operations", "get", operation.name, "--json"]);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout).name).toBe(operation.name);

    const waited = await lakebase(["operations", "wait", operation.name, "--json"]);
    expect(waited).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(waited.stdout)).toMatchObject({ name: "projects/cli/branches/json-branch", status: { current_state: "READY" } });
  });

  it("credentials generate shows the token only with --json", async () => {
    const endpoint = "projects/cli/branches/production/endpoints/primary";
    const human = await lakebase(["credentials", "generate", endpoint]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("the token is not shown");
    expect(human.stdout).not.toMatch(/"token"|lbpw_/);
    const json = await lakebase(["credentials", "generate", endpoint, "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ token: expect.any(String), expire_time: expect.any(String) });
  });

  it("--help prints the usage on stdout", async () => {
    const run = await lakebase(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: lakebase <command>/);
  });
});

describe("exit code 1: API errors with status, error_code and request id", () => {
  const missing = "projects/cli/branches/nope/operations/abc";

  it("as a human line", async () => {
    const run = await lakebase(["operations", "get", missing]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^lakebase: 404 NOT_FOUND: .+ \(request id [0-9a-f]{16}\)\n$/);
  });

  it("as one JSON line on stderr with --json", async () => {
    const run = await lakebase(["operations", "get", missing, "--json"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(JSON.parse(run.stderr)).toEqual({ error: { status: 404, error_code: "NOT_FOUND", message: expect.any(String), request_id: expect.stringMatching(/^[0-9a-f]{16}$/) } });
  });

  it("a create that conflicts", async () => {
    const run = await lakebase(["branches", "create", "cli", "production", "--json"]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr).error).toMatchObject({ status: 409, error_code: "ALREADY_EXISTS" });
  });

  it("a wait that runs out names the operation to wait on again", async () => {
    // Every operation here takes 50 ms at least: a 1 ms wait cannot see this one done.
    const run = await lakebase(["branches", "create", "cli", "late", "--timeout", "1ms"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/lakebase: (projects\/cli\/branches\/late\/operations\/\S+) is still running after [\d.]+ s; wait again with: lakebase operations wait \1\n$/);
  });
});

describe("exit code 2: usage errors print the usage", () => {
  it.each([
    ["no command", [], /no command given/],
    ["an unknown command", ["branch", "create"], /unknown command "branch create"/],
    ["a missing argument", ["branches", "create", "cli"], /branches create takes <project> <branch-id>, got 1 argument/],
    ["an unknown flag", ["projects", "list", "--colour"], /Unknown option '--colour'/],
    ["a malformed duration", ["operations", "wait", "projects/cli/operations/x", "--timeout", "soon"], /--timeout: expected a duration/],
    ["a name the SDK refuses before any request", ["operations", "get", "not-an-operation"], /name/],
    ["an unknown --kind", ["operations", "wait", "projects/cli/operations/x", "--kind", "MakeCoffee"], /kind/],
  ])("%s", async (_label, args, message) => {
    const run = await lakebase(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain("usage: lakebase <command>");
  });

  it("missing DATABRICKS_HOST", async () => {
    const run = await lakebase(["projects", "list"], { DATABRICKS_TOKEN: "x" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^lakebase: DATABRICKS_HOST is not set/);
  });
});

describe("the progress display", () => {
  const stream = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, isTTY, columns: 60, write: (text: string) => writes.push(text) };
  };

  it("on a terminal: one line redrawn in place, erased at the end", () => {
    let now = 0;
    const tty = stream(true);
    const progress = progressReporter(tty, "creating projects/p/branches/b", { quiet: true, now: () => now });
    now = 1500;
    progress.onProgress({ done: false, polls: 2, elapsedMs: 1500 });
    progress.stop();
    expect(tty.writes.at(-2)).toMatch(/^\r\x1b\[2K. creating projects\/p\/branches\/b 1\.5 s, 2 polls$/);
    expect(tty.writes.at(-1)).toBe("\r\x1b[2K");
    expect(tty.writes.every((w) => !w.includes("\n"))).toBe(true);
    expect(tty.writes.every((w) => w.length <= 59 + "\r\x1b[2K".length)).toBe(true);
  });

  it("elsewhere: plain lines, or nothing when quiet (--json)", () => {
    const plain = stream(false);
    progressReporter(plain, "waiting", { quiet: false }).onProgress({ done: true, polls: 3, elapsedMs: 2000 });
    expect(plain.writes).toEqual(["waiting done after 2.0 s, 3 polls\n"]);
    const quiet = stream(false);
    progressReporter(quiet, "waiting", { quiet: true }).onProgress({ done: true, polls: 3, elapsedMs: 2000 });
    expect(quiet.writes).toEqual([]);
  });
});
