/**
 * `lakebase-emulator` (issue 11): the flag table (parsing and --help from one source), the
 * dependency check, and the CLI itself spawned from source — bundled once with esbuild (a
 * devDependency; there is no tsx here) next to node_modules so that `pg` and PGlite resolve.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, FLAGS, parseCliArgs, usage, UsageError } from "../../src/emulator/cli-args.js";
import { PGLITE_PACKAGES, preflight, type Probes } from "../../src/emulator/cli-preflight.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; peerDependencies: Record<string, string> };

describe("cli-args: parsing", () => {
  it("defaults, with the environment's engine and token", () => {
    expect(parseCliArgs([])).toEqual({ port: 0, engine: "auto", latencyMs: 300, wakeUpMs: 1000, token: undefined, strictVersions: false, dataDir: undefined, hostNames: "auto", noUi: false, verbose: false, help: false, version: false });
    expect(parseCliArgs([], { LAKEBASE_EMULATOR_ENGINE: "pglite", LAKEBASE_EMULATOR_TOKEN: "dapi-env" })).toMatchObject({ engine: "pglite", token: "dapi-env" });
    expect(parseCliArgs([], { LAKEBASE_EMULATOR_ENGINE: "" }).engine).toBe("auto");
  });

  it("flags, in both spellings, win over the environment", () => {
    const parsed = parseCliArgs(
      ["--port", "8080", "--engine=system", "--latency-ms", "20", "--wake-up-ms=0", "--token", "dapi1", "--strict-versions", "--data-dir", "./state", "--host-names=ip", "--verbose"],
      { LAKEBASE_EMULATOR_ENGINE: "pglite" },
    );
    expect(parsed).toEqual({ port: 8080, engine: "system", latencyMs: 20, wakeUpMs: 0, token: "dapi1", strictVersions: true, dataDir: "./state", hostNames: "ip", noUi: false, verbose: true, help: false, version: false });
    expect(parseCliArgs(["-h"]).help).toBe(true);
    expect(parseCliArgs(["--version"]).version).toBe(true);
  });

  it.each([
    [["--engine", "sqlite"], '--engine must be one of auto, system, pglite (got "sqlite")'],
    [["--port", "abc"], '--port must be an integer from 0 to 65535 (got "abc")'],
    [["--port", "65536"], '--port must be an integer from 0 to 65535 (got "65536")'],
    [["--latency-ms", "-5"], '--latency-ms must be an integer from 0 to 3600000 (got "-5")'],
    [["--port"], "--port needs a value: an integer from 0 to 65535"],
    [["--token", "--verbose"], "--token needs a value: a non-empty token"],
    [["--token="], '--token must be a non-empty token (got "")'],
    [["--verbose=yes"], '--verbose takes no value (got "yes")'],
    [["--strict-versions=1"], '--strict-versions takes no value (got "1")'],
    [["--data-dir"], "--data-dir needs a value: a non-empty dir"],
    [["--data-dir="], '--data-dir must be a non-empty dir (got "")'],
    [["--host-names", "dns"], '--host-names must be one of auto, name, ip (got "dns")'],
    [["--bogus"], "unknown flag --bogus; accepted: --port, --engine, --latency-ms, --wake-up-ms, --token, --strict-versions, --data-dir, --host-names, --no-ui, --verbose, -h/--help, --version"],
    [["-x"], "unknown flag -x;"],
    [["serve"], 'unexpected argument "serve"'],
  ])("%j is a usage error naming the flag and what is accepted", (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it("a bad environment value names the variable", () => {
    expect(() => parseCliArgs([], { LAKEBASE_EMULATOR_ENGINE: "sqlite" })).toThrow('LAKEBASE_EMULATOR_ENGINE must be one of auto, system, pglite (got "sqlite")');
    expect(parseCliArgs(["--engine", "system"], { LAKEBASE_EMULATOR_ENGINE: "system" }).engine).toBe("system");
  });
});

describe("cli-args: --help", () => {
  it("lists every flag of the table with its default, and the environment variables", () => {
    const text = usage();
    for (const f of FLAGS) {
      const line = text.split("\n").find((l) => l.includes(`--${f.name}`) && l.includes(f.help));
      expect(line, f.name).toBeDefined();
      if (f.value.kind !== "boolean" || f.defaultText) expect(line).toContain(`(default: ${f.defaultText ?? String(f.default)})`);
      if (f.env) expect(text).toMatch(new RegExp(`^  ${f.env} +default of --${f.name}$`, "m"));
    }
    expect(text).toContain(`<${ENGINES.join("|")}>`);
    expect(text).toContain("-h, --help");
  });
});

describe("README", () => {
  it("the emulator section lists every flag and environment variable of the table", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const start = readme.indexOf("## The emulator");
    const section = readme.slice(start, readme.indexOf("\n## ", start));
    for (const f of FLAGS) expect(section, f.name).toContain(`\`--${f.name}`);
    for (const f of FLAGS) if (f.env) expect(section, f.env).toContain(f.env);
  });
});

describe("cli-preflight", () => {
  const probes = (absent: string[], system: Awaited<ReturnType<Probes["detectSystem"]>>): Probes => ({
    load: async (name) => {
      if (absent.includes(name)) throw new Error(`Cannot find package '${name}'`);
    },
    detectSystem: async () => system,
  });
  const found = { bin: "/usr/lib/postgresql/15/bin", version: "postgres (PostgreSQL) 15.18" };
  const none = { error: "no PostgreSQL binaries found (set PG_BIN or install postgresql)" };

  it("the PGlite pins are package.json's peerDependencies", () => {
    for (const [name, version] of Object.entries(PGLITE_PACKAGES)) expect(pkg.peerDependencies[name]).toBe(version);
  });

  it("everything present: no problem, and the system PostgreSQL found", async () => {
    expect(await preflight("auto", probes([], found))).toEqual({ problems: [], notes: [], system: found });
    expect((await preflight("pglite", probes([], found))).problems).toEqual([]);
  });

  it("pg missing: npm i pg, whatever the engine", async () => {
    for (const engine of ENGINES) {
      expect((await preflight(engine, probes(["pg"], found))).problems).toEqual(['the npm package "pg" is missing (both engines talk to Postgres through it): npm i pg']);
    }
  });

  it("--engine system without a PostgreSQL: how to install it", async () => {
    const [problem] = (await preflight("system", probes([], none))).problems;
    expect(problem).toMatch(/^no usable system PostgreSQL \(no PostgreSQL binaries found .*\): install PostgreSQL >= 13 \(apt-get install postgresql; brew install postgresql\) or set PG_BIN/);
    expect(problem).toContain("--engine pglite");
  });

  it("--engine pglite without its packages: npm i with the pinned versions of exactly what is missing", async () => {
    expect((await preflight("pglite", probes(["@electric-sql/pglite-socket"], found))).problems).toEqual([
      "the PGlite engine needs @electric-sql/pglite-socket: npm i @electric-sql/pglite-socket@0.2.17",
    ]);
    const [both] = (await preflight("pglite", probes(Object.keys(PGLITE_PACKAGES), found))).problems;
    expect(both).toContain("npm i @electric-sql/pglite@0.5.14 @electric-sql/pglite-socket@0.2.17");
  });

  it("auto: PGlite when no system PostgreSQL (a note), nothing at all is a problem naming both ways", async () => {
    const fallback = await preflight("auto", probes([], none));
    expect(fallback.problems).toEqual([]);
    expect(fallback.notes[0]).toMatch(/^no usable system PostgreSQL .*, so PGlite; for the faster system engine, install PostgreSQL/);
    const [problem] = (await preflight("auto", probes(["@electric-sql/pglite"], none))).problems;
    expect(problem).toMatch(/^no Postgres engine: .*apt-get install postgresql.*npm i @electric-sql\/pglite@0\.5\.14$/);
  });
});

describe("the lakebase-emulator process", () => {
  const outDir = join(root, "node_modules/.cache/lakebase-emulator-cli-test");
  const cli = join(outDir, "cli.mjs");
  const children = new Set<ChildProcess>();
  // The bundle is not next to pglite-worker.mjs; tell the PGlite engine where it is.
  const env = { ...process.env, LAKEBASE_PGLITE_WORKER: join(root, "src/emulator/postgres/pglite-worker.mjs"), LAKEBASE_EMULATOR_ENGINE: "", LAKEBASE_EMULATOR_TOKEN: "" };

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    await build({ entryPoints: [join(root, "src/emulator/cli.ts")], bundle: true, platform: "node", format: "esm", packages: "external", outfile: cli, logLevel: "error" });
  });

  afterAll(() => {
    for (const child of children) child.kill("SIGKILL");
  });

  /** `group`: the emulator leads a process group of its own, as a terminal's foreground job does (Ctrl-C signals the whole group). */
  function start(args: string[], extraEnv: Record<string, string> = {}, { group = false } = {}) {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"], detached: group });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => (children.delete(child), resolve(code))));
    const firstLine = new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", resolve);
      void exited.then((code) => reject(new Error(`exited with ${code} before its first line: ${stderr}`)));
    });
    firstLine.catch(() => undefined); // awaited only by the tests that expect a start

    /** Resolves once stderr matches. */
    const stderrMatching = async (pattern: RegExp) => {
      for (let waited = 0; !pattern.test(stderr); waited += 20) {
        if (waited > 8000) throw new Error(`stderr never matched ${pattern}: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return stderr;
    };
    return { child, exited, firstLine, stderrMatching, output: () => ({ stdout, stderr }) };
  }

  async function run(args: string[], extraEnv: Record<string, string> = {}) {
    const p = start(args, extraEnv);
    const code = await p.exited;
    return { code, ...p.output() };
  }

  it("--help prints the usage on stdout and exits 0; --version prints package.json's version", async () => {
    const [help, version] = await Promise.all([run(["--help"]), run(["--version"])]);
    expect(help).toEqual({ code: 0, stdout: `${usage()}\n`, stderr: "" });
    expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("an unknown flag, a bad value or a bad LAKEBASE_EMULATOR_ENGINE: exit 2 with one line on stderr", async () => {
    const results = await Promise.all([run(["--bogus"]), run(["--engine", "sqlite"]), run(["--port", "abc"]), run([], { LAKEBASE_EMULATOR_ENGINE: "sqlite" })]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(results.map((r) => r.stdout)).toEqual(["", "", "", ""]);
    expect(results.map((r) => r.stderr)).toEqual([
      expect.stringMatching(/^lakebase-emulator: unknown flag --bogus; accepted: --port, .*\n$/),
      'lakebase-emulator: --engine must be one of auto, system, pglite (got "sqlite")\n',
      'lakebase-emulator: --port must be an integer from 0 to 65535 (got "abc")\n',
      'lakebase-emulator: LAKEBASE_EMULATOR_ENGINE must be one of auto, system, pglite (got "sqlite")\n',
    ]);
  });

  it("LAKEBASE_EMULATOR_ENGINE picks the engine", async () => {
    const p = start([], { LAKEBASE_EMULATOR_ENGINE: "pglite" });
    expect(JSON.parse(await p.firstLine)).toMatchObject({ engine: "pglite" });
    await p.stderrMatching(/\(PGlite\) listening on/);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });

  it("prints the JSON line, the export block; --verbose logs requests by path, never the token or a page token", async () => {
    const p = start(["--verbose", "--latency-ms", "20"]);
    const info = JSON.parse(await p.firstLine) as { host: string; token: string; engine: string };
    expect(info).toMatchObject({ host: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), token: expect.stringMatching(/^dapi/), userName: "emulator-user@example.com" });
    const banner = await p.stderrMatching(/Ctrl-C to stop\.\n/);
    expect(banner).toMatch(new RegExp(`^Lakebase emulator ${pkg.version.replace(/\./g, "\\.")} \\((system PostgreSQL [\\d.]+|PGlite)\\) listening on ${info.host}$`, "m"));
    expect(banner).toContain(`\nexport DATABRICKS_HOST=${info.host}\nexport DATABRICKS_TOKEN=${info.token}\n`);
    // Which pg_version runs where, and that any other one is substituted (with a warning).
    const engines = (info as unknown as { engines: { engine: string; pgMajor: number; started: boolean }[] }).engines;
    expect(engines.length).toBeGreaterThan(0);
    for (const e of engines) expect(e).toMatchObject({ engine: expect.stringMatching(/^(system|pglite)$/), pgMajor: expect.any(Number), started: false });
    expect(banner).toMatch(/^pg_version \d+ on (PGlite|system PostgreSQL [\d.]+)(, \d+ on (PGlite|system PostgreSQL [\d.]+))*\.$/m);
    expect(banner).toContain("Any other pg_version runs on the nearest of these instead, with a Warning header on CreateProject and a log line (--strict-versions refuses it).");
    // The endpoints' CA: a file this run made, a PEM certificate.
    const caPath = /^export LAKEBASE_EMULATOR_CA=(\S+)$/m.exec(banner)?.[1];
    expect(readFileSync(caPath!, "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----\n/);

    const before = banner.length;
    const res = await fetch(`${info.host}/api/2.0/postgres/projects?page_size=1&page_token=SECRETPAGE`, { headers: { authorization: `Bearer ${info.token}` } });
    expect(res.status).toBe(400);
    const log = (await p.stderrMatching(/\[emulator\] GET \/api\/2\.0\/postgres\/projects 400 \d+ ms\n/)).slice(before);
    expect(log).not.toContain(info.token);
    expect(log).not.toContain("SECRETPAGE");
    expect(log).not.toContain("?");

    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });

  it("--strict-versions: the start output says another pg_version is refused", async () => {
    const p = start(["--strict-versions"]);
    await p.firstLine;
    expect(await p.stderrMatching(/Ctrl-C to stop\.\n/)).toContain("Any other pg_version is refused (--strict-versions): its CreateProject operation fails, naming what to install.");
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });

  it("--data-dir: the same token, CA file and project after a restart; a second process on the directory exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lakebase-cli-data-dir-"));
    chmodSync(dir, 0o755); // reachable by the `postgres` user when the tests run as root
    try {
      const first = start(["--data-dir", dir, "--latency-ms", "20"]);
      const info = JSON.parse(await first.firstLine) as { host: string; token: string; servicePrincipal: unknown };
      const banner = await first.stderrMatching(/Ctrl-C to stop\.\n/);
      expect(banner).toContain(`\nexport LAKEBASE_EMULATOR_CA=${join(dir, "ca.pem")}\n`);
      expect(banner).toContain(`State and databases are kept in ${dir} (the token and CA stay valid across restarts).`);
      const created = await fetch(`${info.host}/api/2.0/postgres/projects?project_id=cli-kept`, { method: "POST", headers: { authorization: `Bearer ${info.token}` }, body: JSON.stringify({ spec: {} }) });
      expect(created.status).toBe(200);
      const operation = ((await created.json()) as { name: string }).name;

      const second = await run(["--data-dir", dir]);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`^lakebase-emulator: ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is in use by another lakebase emulator \\(pid ${first.child.pid}\\); stop it first, or give another --data-dir\n$`));

      for (let waited = 0; ; waited += 50) {
        const op = (await (await fetch(`${info.host}/api/2.0/postgres/${operation}`, { headers: { authorization: `Bearer ${info.token}` } })).json()) as { done?: boolean };
        if (op.done) break;
        expect(waited).toBeLessThan(20_000);
        await new Promise((r) => setTimeout(r, 50));
      }
      first.child.kill("SIGTERM");
      expect(await first.exited).toBe(0);

      const again = start(["--data-dir", dir]);
      const info2 = JSON.parse(await again.firstLine) as { host: string; token: string; servicePrincipal: unknown };
      expect(info2.token).toBe(info.token);
      expect(info2.servicePrincipal).toEqual(info.servicePrincipal);
      const project = await fetch(`${info2.host}/api/2.0/postgres/projects/cli-kept`, { headers: { authorization: `Bearer ${info.token}` } });
      expect(project.status).toBe(200);
      again.child.kill("SIGTERM");
      expect(await again.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it.each([
    ["SIGINT to the emulator", false],
    ["Ctrl-C in a terminal (SIGINT to the whole process group, Postgres included unless it has a group of its own)", true],
  ])("%s: a fork in flight finishes before the engines stop, and is READY after a restart", async (_, wholeGroup) => {
    const dir = mkdtempSync(join(tmpdir(), "lakebase-cli-sigint-"));
    chmodSync(dir, 0o755);
    try {
      const first = start(["--data-dir", dir, "--latency-ms", "400"], {}, { group: wholeGroup });
      const info = JSON.parse(await first.firstLine) as { host: string; token: string };
      const api = (path: string, init: RequestInit = {}) => fetch(`${info.host}/api/2.0/postgres/${path}`, { ...init, headers: { authorization: `Bearer ${info.token}` } });
      const until = async (operation: string) => {
        for (let waited = 0; ; waited += 50) {
          const op = (await (await api(operation)).json()) as { done?: boolean; error?: unknown };
          if (op.done) return op;
          expect(waited).toBeLessThan(20_000);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await until(((await (await api("projects?project_id=sig", { method: "POST", body: JSON.stringify({ spec: {} }) })).json()) as { name: string }).name);
      const fork = ((await (await api("projects/sig/branches?branch_id=inflight", { method: "POST", body: JSON.stringify({ spec: { no_expiry: true } }) })).json()) as { name: string }).name;
      if (wholeGroup) process.kill(-first.child.pid!, "SIGINT"); // what a terminal's Ctrl-C does to its foreground job
      else first.child.kill("SIGINT"); // the emulator's pid only, as `kill -INT <pid>` or a process manager does
      expect(await first.exited).toBe(0);

      const again = start(["--data-dir", dir]);
      // the same API port (kept in the data dir), so the same host
      expect((JSON.parse(await again.firstLine) as { host: string }).host).toBe(info.host);
      const op = await until(fork);
      expect(op.error).toBeUndefined();
      const branch = (await (await api("projects/sig/branches/inflight")).json()) as { status: { current_state: string } };
      expect(branch.status.current_state).toBe("READY");
      again.child.kill("SIGTERM");
      expect(await again.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it("a port in use: exit 1 with a message that says so", async () => {
    const blocker = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    const { port } = blocker.address() as { port: number };
    try {
      const result = await run(["--port", String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`lakebase-emulator: port ${port} on 127.0.0.1 is in use`);
    } finally {
      blocker.close();
    }
  });
});
