#!/usr/bin/env node
// Runtime matrix for the core entry (dist/index.js: fetch only, no node: imports).
//
// This host Node process serves a tiny stand-in of the Lakebase API on 127.0.0.1, then runs the
// same scenario (test/runtimes/scenario.mjs) on Node (this one), Node 22, Node 24, Bun, Deno and
// workerd, fetching each runtime from the npm registry with `npx -y -p <package>` (node@22,
// node@24, bun, deno, workerd) and then running its binary from the npx cache directly, so the
// process time leaves npx out. It prints a markdown table: runtime | version | result | time
// (the scenario's own milliseconds, then the whole child process's).
//
// A runtime that cannot be obtained is reported as "unavailable (reason)" and does not fail the
// run; a runtime that starts and fails the scenario makes the script exit 1.
//
//   npm run build && npm run test:runtimes
//   node test/runtimes/run.mjs --only=bun,deno      # a subset (ids: node, node22, node24, bun, deno, workerd)
//
// Needs the built package (dist/) and the npm registry (the first run downloads the runtimes
// into the npx cache). Not part of `npm test`.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const ENTRY = "test/runtimes/entry.mjs";
const DIST = join(ROOT, "dist/index.js");
const OBTAIN_TIMEOUT_MS = 300_000; // first download of a runtime through npx
const RUN_TIMEOUT_MS = 60_000;

const BASE = "/api/2.0/postgres";
const OPERATION = "projects/p/branches/dev/operations/ab+c/d=";

if (!existsSync(DIST)) {
  console.error(`runtimes: ${relative(ROOT, DIST)} is missing; run \`npm run build\` first`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// The stand-in API. Every request is logged; anything outside the script answers 500 so a
// runtime that sends a different URL fails loudly (its raw URL shows up in the table).

let log = [];

function json(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function route(method, rawUrl) {
  const url = new URL(rawUrl, "http://stand-in");
  const q = Object.fromEntries(url.searchParams);
  const path = url.pathname;
  const key = (o) => JSON.stringify(Object.entries(o).sort());
  if (method === "GET" && path === `${BASE}/projects/p/branches`) {
    if (key(q) === key({ page_size: "1" })) {
      return [200, { branches: [{ name: "projects/p/branches/main", parent: "projects/p" }], next_page_token: "page-2" }];
    }
    if (key(q) === key({ page_size: "1", page_token: "page-2" })) {
      return [200, { branches: [{ name: "projects/p/branches/dev0", parent: "projects/p" }] }];
    }
  }
  if (method === "POST" && path === `${BASE}/projects/p/branches` && key(q) === key({ branch_id: "dev" })) {
    return [200, { name: OPERATION, done: false }];
  }
  // The operation name is spliced into the path verbatim: `+`, `/` and `=` must arrive as is.
  if (method === "GET" && rawUrl === `${BASE}/${OPERATION}`) {
    return [200, { name: OPERATION, done: true, response: { "@type": "type.googleapis.com/databricks.postgres.v1.Branch", name: "projects/p/branches/dev", parent: "projects/p" } }];
  }
  if (method === "GET" && path === `${BASE}/projects/missing` && url.search === "") {
    return [404, { error_code: "NOT_FOUND", message: "x" }];
  }
  return [500, { error_code: "INTERNAL_ERROR", message: `stand-in: unexpected ${method} ${rawUrl}` }];
}

const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    const [status, answer] = route(req.method, req.url);
    log.push({ method: req.method, url: req.url, status, auth: req.headers.authorization, ua: req.headers["user-agent"], body });
    json(res, status, answer);
  });
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const HOST = `http://127.0.0.1:${server.address().port}`;

/** What the stand-in must have seen after one scenario run, in order. */
const EXPECTED_REQUESTS = [
  `GET ${BASE}/projects/p/branches?page_size=1 200`,
  `GET ${BASE}/projects/p/branches?page_size=1&page_token=page-2 200`,
  `POST ${BASE}/projects/p/branches?branch_id=dev 200`,
  `GET ${BASE}/${OPERATION} 200`,
  `GET ${BASE}/projects/missing 404`,
];

function requestProblems() {
  const problems = [];
  const seen = log.map((r) => `${r.method} ${r.url} ${r.status}`);
  // The query order is the SDK's; compare the parameters, not their order.
  const norm = (line) => {
    const [method, url, status] = line.split(" ");
    const u = new URL(url, "http://x");
    u.searchParams.sort();
    return `${method} ${u.pathname}${u.search} ${status}`;
  };
  if (JSON.stringify(seen.map(norm)) !== JSON.stringify(EXPECTED_REQUESTS.map(norm))) {
    problems.push(`requests ${JSON.stringify(seen)}`);
  }
  const badAuth = log.filter((r) => r.auth !== "Bearer t");
  if (badAuth.length) problems.push(`Authorization ${JSON.stringify(badAuth.map((r) => r.auth))}`);
  const post = log.find((r) => r.method === "POST");
  if (post && post.body !== JSON.stringify({ spec: {} })) problems.push(`POST body ${JSON.stringify(post.body)}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Processes.

function exec(cmd, args, { timeoutMs, cwd = ROOT, env } = {}) {
  return new Promise((done) => {
    const started = performance.now();
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let child;
    try {
      child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    } catch (error) {
      done({ code: null, stdout, stderr: String(error), ms: 0, timedOut });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (error) => (stderr += String(error)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? signal, stdout, stderr, ms: performance.now() - started, timedOut });
    });
  });
}

function killGroup(child) {
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

const lastLine = (text) => text.trim().split("\n").filter(Boolean).at(-1)?.slice(0, 200) ?? "";

/** The path of `bin` from npm package `pkg`, fetched into the npx cache; or { reason }. */
async function obtain(pkg, bin) {
  const r = await exec("npx", ["-y", "-p", pkg, "-c", `command -v ${bin}`], { timeoutMs: OBTAIN_TIMEOUT_MS });
  const path = r.stdout.trim().split("\n").at(-1);
  if (r.code === 0 && path && existsSync(path)) return { path };
  return { reason: r.timedOut ? `npx ${pkg} timed out` : `npx ${pkg}: ${lastLine(r.stderr) || `exit ${r.code}`}` };
}

/** One JSON line from a runtime's stdout, or undefined. */
function parseResult(stdout) {
  for (const line of stdout.trim().split("\n").reverse()) {
    try {
      const value = JSON.parse(line);
      if (value && typeof value === "object" && "checks" in value) return value;
    } catch {}
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Runtimes. Each returns { version, stdout, stderr, code, ms } or { unavailable }.

async function cliRuntime(obtainArgs, versionArgs, runArgs) {
  const got = obtainArgs ? await obtain(...obtainArgs) : { path: process.execPath };
  if (!got.path) return { unavailable: got.reason };
  const v = await exec(got.path, versionArgs, { timeoutMs: RUN_TIMEOUT_MS });
  if (v.code !== 0) return { unavailable: `${got.path} ${versionArgs.join(" ")}: ${lastLine(v.stderr) || `exit ${v.code}`}` };
  const r = await exec(got.path, runArgs, { timeoutMs: RUN_TIMEOUT_MS });
  return { version: lastLine(v.stdout.split("\n")[0]), ...r };
}

const RUNTIMES = [
  { id: "node", label: `Node ${process.versions.node.split(".")[0]} (host)`, run: () => cliRuntime(undefined, ["--version"], [ENTRY, HOST]) },
  { id: "node22", label: "Node 22", run: () => cliRuntime(["node@22", "node"], ["--version"], [ENTRY, HOST]) },
  { id: "node24", label: "Node 24", run: () => cliRuntime(["node@24", "node"], ["--version"], [ENTRY, HOST]) },
  // Bun resolves `openapi-fetch` from the repo's node_modules like Node does.
  { id: "bun", label: "Bun", run: () => cliRuntime(["bun", "bun"], ["--version"], ["run", ENTRY, HOST]) },
  // Deno: with the repo's package.json, `--node-modules-dir=manual` resolves bare specifiers from
  // the existing node_modules (no download); `--no-lock` keeps it from writing deno.lock.
  {
    id: "deno",
    label: "Deno",
    run: () =>
      cliRuntime(["deno", "deno"], ["--version"], ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", "--node-modules-dir=manual", "--no-lock", ENTRY, HOST]),
  },
  { id: "workerd", label: "workerd", run: runWorkerd },
];

// ---------------------------------------------------------------------------------------------
// workerd: no module resolution of its own, so the config lists every module of the graph
// (entry, scenario, dist/index.js, its chunks, openapi-fetch) under names that mirror the repo,
// so the relative specifiers of the built files resolve unchanged (`openapi-fetch` is named
// dist/openapi-fetch: see below).

function moduleGraph(entryFile) {
  const modules = new Map(); // name -> absolute file
  const visit = (file, name) => {
    if (modules.has(name)) return;
    modules.set(name, file);
    const source = readFileSync(file, "utf8");
    const specifiers = new Set();
    for (const m of source.matchAll(/(?:^|[\s;}])(?:import|export)\s*(?:[\w*{}\s,$]+\s*from\s*)?["']([^"']+)["']/g)) specifiers.add(m[1]);
    for (const m of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) specifiers.add(m[1]);
    for (const spec of specifiers) {
      if (spec.startsWith(".")) {
        visit(resolve(dirname(file), spec), relative(ROOT, resolve(dirname(file), spec)));
      } else if (spec.startsWith("node:")) {
        throw new Error(`${relative(ROOT, file)} imports ${spec}: not a core-entry module`);
      } else {
        const target = fileURLToPath(import.meta.resolve(spec));
        if (/(?:^|[\s;}])(?:import|export)[^;]*from\s*["']\./.test(readFileSync(target, "utf8"))) {
          throw new Error(`${spec} has relative imports; extend moduleGraph to name them`);
        }
        // workerd resolves a bare specifier like a relative one ("openapi-fetch" imported from
        // dist/chunk.js is looked up as dist/openapi-fetch): name the module so.
        visit(target, join(dirname(name), spec));
      }
    }
  };
  visit(entryFile, relative(ROOT, entryFile));
  return modules;
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createNetServer();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function runWorkerd() {
  const got = await obtain("workerd", "workerd");
  if (!got.path) return { unavailable: got.reason };
  const v = await exec(got.path, ["--version"], { timeoutMs: RUN_TIMEOUT_MS });
  if (v.code !== 0) return { unavailable: `workerd --version: ${lastLine(v.stderr) || `exit ${v.code}`}` };
  const version = v.stdout.trim().replace(/^workerd\s+/, "");
  // The compatibility date must not be later than the binary's own date ("workerd 2026-11-17").
  const compatibilityDate = /\d{4}-\d{2}-\d{2}/.exec(version)?.[0] ?? "2025-01-01";

  const modules = moduleGraph(join(HERE, "worker.mjs"));
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "lakebase-workerd-"));
  // capnp embeds only files below the config's folder: copy the graph there.
  const embeds = [...modules].map(([name, file], i) => {
    const local = join("modules", String(i), basename(file));
    mkdirSync(join(dir, dirname(local)), { recursive: true });
    copyFileSync(file, join(dir, local));
    return [name, local];
  });
  const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .scenario),
    # The default "internet" service refuses private and loopback addresses; the stand-in is on 127.0.0.1.
    (name = "loopback", network = (allow = ["local", "private", "public"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const scenario :Workerd.Worker = (
  modules = [
${embeds.map(([name, file]) => `    (name = ${JSON.stringify(name)}, esModule = embed ${JSON.stringify(file)}),`).join("\n")}
  ],
  bindings = [(name = "HOST", text = ${JSON.stringify(HOST)})],
  compatibilityDate = "${compatibilityDate}",
  globalOutbound = "loopback",
);
`;
  const configFile = join(dir, "config.capnp");
  writeFileSync(configFile, config);

  const started = performance.now();
  let stdout = "";
  let stderr = "";
  const child = spawn(got.path, ["serve", configFile], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((ok) => child.on("close", (code, signal) => ok(code ?? signal)));
  let code = 0;
  let body = "";
  try {
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    for (;;) {
      const early = await Promise.race([exited, new Promise((ok) => setTimeout(() => ok(undefined), 50))]);
      if (early !== undefined) {
        code = early;
        break;
      }
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
        body = await res.text();
        if (!res.ok) code = `HTTP ${res.status}`;
        break;
      } catch (error) {
        if (error?.cause?.code !== "ECONNREFUSED" || Date.now() > deadline) {
          code = `fetch: ${error?.cause?.code ?? error.message}`;
          break;
        }
      }
    }
  } finally {
    killGroup(child);
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
  return { version, code, stdout: body ? `${body}\n${stdout}` : stdout, stderr, ms: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------

const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const rows = [];
let failed = 0;

try {
  for (const runtime of RUNTIMES) {
    if (only && !only.includes(runtime.id)) continue;
    log = [];
    const r = await runtime.run();
    if (r.unavailable) {
      rows.push([runtime.label, "—", `unavailable (${r.unavailable.replaceAll("|", "\\|")})`, "—"]);
      console.error(`${runtime.label}: unavailable: ${r.unavailable}`);
      continue;
    }
    const result = parseResult(r.stdout);
    const problems = [];
    if (!result) problems.push(`no result line (exit ${r.code}): ${lastLine(r.stderr) || lastLine(r.stdout) || "no output"}`);
    else {
      for (const [name, outcome] of Object.entries(result.checks)) if (outcome !== "ok") problems.push(`${name}: ${outcome}`);
      if (r.code !== 0) problems.push(`exit ${r.code}`);
      problems.push(...requestProblems());
    }
    const version = result?.version ?? r.version;
    const time = result ? `${result.ms} ms (process ${Math.round(r.ms)} ms)` : `process ${Math.round(r.ms)} ms`;
    if (problems.length) {
      failed++;
      rows.push([runtime.label, version, `FAIL: ${problems.join("; ").replaceAll("|", "\\|").replaceAll("\n", " ")}`, time]);
      console.error(`${runtime.label} ${version}: FAIL\n  ${problems.join("\n  ")}\n--- stderr ---\n${r.stderr.trim()}\n--- stdout ---\n${r.stdout.trim()}`);
    } else {
      rows.push([runtime.label, version, `pass (${Object.keys(result.checks).join(", ")})`, time]);
      console.error(`${runtime.label} ${version}: pass (User-Agent: ${[...new Set(log.map((r) => r.ua))].join(", ")})`);
    }
  }
} finally {
  server.close();
}

console.log("\n| runtime | version | result | time |\n| --- | --- | --- | --- |");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
const passed = rows.filter((r) => r[2].startsWith("pass")).length;
const unavailable = rows.filter((r) => r[2].startsWith("unavailable")).length;
console.log(`\nruntimes: ${passed} passed, ${failed} failed${unavailable ? `, ${unavailable} skipped` : ""}`);
process.exit(failed ? 1 : 0);
