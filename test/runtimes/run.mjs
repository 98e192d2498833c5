#!/usr/bin/env node
// Runtime matrix for the core entry (dist/index.js: fetch only, no node: imports) and for the
// serverless example (examples/serverless/handler.ts, a fetch handler bundled with esbuild).
//
// This host Node process serves a tiny stand-in of the Lakebase API on 127.0.0.1, then runs two
// scenarios on Node (this one), Node 22, Node 24, Bun, Deno and workerd, fetching each runtime from
// the npm registry with `npx -y -p <package>` (node@22, node@24, bun, deno, workerd) and then
// running its binary from the npx cache directly, so the process time leaves npx out:
//   - the core scenario (test/runtimes/scenario.mjs): pagination, an operation, errors;
//   - the serverless example (preview-checks.mjs against preview-stand-in.mjs): create a preview
//     branch (202), resume its operation in two later invocations (not done, done), one OAuth
//     token for all of them. On workerd the handler is the worker; elsewhere it is called in-process.
// It prints a markdown table per scenario: runtime | version | result | time (the scenario's own
// milliseconds, then the whole child process's).
//
// A runtime that cannot be obtained is reported as "unavailable (reason)" and does not fail the
// run; a runtime that starts and fails a scenario makes the script exit 1.
//
//   npm run build && npm run test:runtimes
//   node test/runtimes/run.mjs --only=bun,deno      # a subset (ids: node, node22, node24, bun, deno, workerd)
//
// Needs the built package (dist/), esbuild (a devDependency) and the npm registry (the first run
// downloads the runtimes into the npx cache). Not part of `npm test`.
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildTypeScriptExample } from "../../examples/support/build-typescript.mjs";
import { runPreviewChecks } from "./preview-checks.mjs";
import { createPreviewStandIn, PREVIEW_ENV, previewRequestProblems } from "./preview-stand-in.mjs";
import { exec, lastLine, obtain } from "./processes.mjs";
import { moduleGraph, serveOnWorkerd } from "./workerd.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const ENTRY = "test/runtimes/entry.mjs";
const PREVIEW_ENTRY = "test/runtimes/preview-entry.mjs";
const DIST = join(ROOT, "dist/index.js");
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
const previewStandIn = createPreviewStandIn();

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
    const [status, answer] = previewStandIn.route(req.method, req.url, HOST) ?? route(req.method, req.url);
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
// Runtimes. Each scenario run returns { version, stdout, stderr, code, ms } or { unavailable }.

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

async function cliRuntime(obtainArgs, versionArgs, runArgs) {
  const got = obtainArgs ? await obtain(...obtainArgs, ROOT) : { path: process.execPath };
  if (!got.path) return { unavailable: got.reason };
  const v = await exec(got.path, versionArgs, { timeoutMs: RUN_TIMEOUT_MS, cwd: ROOT });
  if (v.code !== 0) return { unavailable: `${got.path} ${versionArgs.join(" ")}: ${lastLine(v.stderr) || `exit ${v.code}`}` };
  const r = await exec(got.path, runArgs, { timeoutMs: RUN_TIMEOUT_MS, cwd: ROOT });
  return { version: lastLine(v.stdout.split("\n")[0]), ...r };
}

/** A runtime with a command line: the same runner for both scenarios, with its own arguments. */
function commandLine(obtainArgs, runPrefix) {
  return {
    core: () => cliRuntime(obtainArgs, ["--version"], [...runPrefix, ENTRY, HOST]),
    preview: (bundle) => cliRuntime(obtainArgs, ["--version"], [...runPrefix, PREVIEW_ENTRY, HOST, bundle]),
  };
}

const RUNTIMES = [
  { id: "node", label: `Node ${process.versions.node.split(".")[0]} (host)`, ...commandLine(undefined, []) },
  { id: "node22", label: "Node 22", ...commandLine(["node@22", "node"], []) },
  { id: "node24", label: "Node 24", ...commandLine(["node@24", "node"], []) },
  // Bun resolves `openapi-fetch` from the repo's node_modules like Node does.
  { id: "bun", label: "Bun", ...commandLine(["bun", "bun"], ["run"]) },
  // Deno: with the repo's package.json, `--node-modules-dir=manual` resolves bare specifiers from
  // the existing node_modules (no download); `--no-lock` keeps it from writing deno.lock.
  { id: "deno", label: "Deno", ...commandLine(["deno", "deno"], ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", "--node-modules-dir=manual", "--no-lock"]) },
  { id: "workerd", label: "workerd", core: coreOnWorkerd, preview: previewOnWorkerd },
];

// ---------------------------------------------------------------------------------------------
// workerd: the core scenario is test/runtimes/worker.mjs with its module graph (dist/ as built);
// the serverless example is its own bundle, served as the worker it is written to be, and driven
// over HTTP from here by the same checks the other runtimes run in-process.

async function workerdBinary() {
  const got = await obtain("workerd", "workerd", ROOT);
  if (!got.path) return { unavailable: got.reason };
  const v = await exec(got.path, ["--version"], { timeoutMs: RUN_TIMEOUT_MS, cwd: ROOT });
  if (v.code !== 0) return { unavailable: `workerd --version: ${lastLine(v.stderr) || `exit ${v.code}`}` };
  const version = v.stdout.trim().replace(/^workerd\s+/, "");
  // The compatibility date must not be later than the binary's own date ("workerd 2026-11-17").
  return { binary: got.path, version, compatibilityDate: /\d{4}-\d{2}-\d{2}/.exec(version)?.[0] ?? "2025-01-01" };
}

async function coreOnWorkerd() {
  const w = await workerdBinary();
  if (w.unavailable) return w;
  const modules = moduleGraph(join(HERE, "worker.mjs"), ROOT);
  const r = await serveOnWorkerd({ ...w, modules, bindings: { HOST }, timeoutMs: RUN_TIMEOUT_MS }, async (base, signal) => {
    const res = await fetch(`${base}/`, { signal });
    const body = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${body.slice(0, 200)}`);
    return body;
  });
  return { version: w.version, ...r };
}

async function previewOnWorkerd(bundle) {
  const w = await workerdBinary();
  if (w.unavailable) return w;
  const bindings = { ...PREVIEW_ENV, DATABRICKS_HOST: HOST };
  const r = await serveOnWorkerd({ ...w, modules: [["handler.mjs", bundle]], bindings, timeoutMs: RUN_TIMEOUT_MS }, async (base, signal) => {
    const result = await runPreviewChecks((request) => {
      const url = new URL(request.url);
      return fetch(`${base}${url.pathname}${url.search}`, { method: request.method, signal });
    });
    return JSON.stringify({ runtime: "workerd", ...result });
  });
  return { version: w.version, ...r };
}

// ---------------------------------------------------------------------------------------------
// One scenario on every runtime: a table row each.

async function runScenario(title, run, problemsOf) {
  const rows = [];
  let failed = 0;
  for (const runtime of RUNTIMES) {
    if (only && !only.includes(runtime.id)) continue;
    log = [];
    previewStandIn.reset();
    const r = await run(runtime);
    if (r.unavailable) {
      rows.push([runtime.label, "—", `unavailable (${r.unavailable.replaceAll("|", "\\|")})`, "—"]);
      console.error(`${title}, ${runtime.label}: unavailable: ${r.unavailable}`);
      continue;
    }
    const result = parseResult(r.stdout);
    const problems = [];
    if (!result) problems.push(`no result line (exit ${r.code}): ${lastLine(r.stderr) || lastLine(r.stdout) || "no output"}`);
    else {
      for (const [name, outcome] of Object.entries(result.checks)) if (outcome !== "ok") problems.push(`${name}: ${outcome}`);
      if (r.code !== 0) problems.push(`exit ${r.code}`);
      problems.push(...problemsOf(log));
    }
    const version = result?.version ?? r.version;
    const time = result ? `${result.ms} ms (process ${Math.round(r.ms)} ms)` : `process ${Math.round(r.ms)} ms`;
    if (problems.length) {
      failed++;
      rows.push([runtime.label, version, `FAIL: ${problems.join("; ").replaceAll("|", "\\|").replaceAll("\n", " ")}`, time]);
      console.error(`${title}, ${runtime.label} ${version}: FAIL\n  ${problems.join("\n  ")}\n--- stderr ---\n${r.stderr.trim()}\n--- stdout ---\n${r.stdout.trim()}`);
    } else {
      rows.push([runtime.label, version, `pass (${Object.keys(result.checks).join(", ")})`, time]);
      console.error(`${title}, ${runtime.label} ${version}: pass (User-Agent: ${[...new Set(log.map((r) => r.ua))].join(", ")})`);
      // A pass with warnings (workerd's cross-request notes, deprecations) is still worth seeing.
      if (r.stderr.trim()) console.error(`  stderr: ${r.stderr.trim().split("\n").slice(0, 5).join("\n  ")}`);
    }
  }
  return { title, rows, failed };
}

// ---------------------------------------------------------------------------------------------

const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const tables = [];

try {
  tables.push(await runScenario("core entry (test/runtimes/scenario.mjs)", (runtime) => runtime.core(), requestProblems));
  let bundle;
  try {
    bundle = await buildTypeScriptExample(join(ROOT, "examples/serverless/handler.ts"), { platform: "neutral" });
    tables.push(await runScenario("serverless example (examples/serverless/handler.ts)", (runtime) => runtime.preview(bundle.file), previewRequestProblems));
  } catch (error) {
    tables.push({ title: "serverless example (examples/serverless/handler.ts)", rows: [["—", "—", `FAIL: build: ${error.message.replaceAll("\n", " ")}`, "—"]], failed: 1 });
  } finally {
    bundle?.remove();
  }
} finally {
  server.close();
}

let passed = 0;
let failed = 0;
let unavailable = 0;
for (const { title, rows, failed: f } of tables) {
  console.log(`\n${title}\n\n| runtime | version | result | time |\n| --- | --- | --- | --- |`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  passed += rows.filter((r) => r[2].startsWith("pass")).length;
  unavailable += rows.filter((r) => r[2].startsWith("unavailable")).length;
  failed += f;
}
console.log(`\nruntimes: ${passed} passed, ${failed} failed${unavailable ? `, ${unavailable} skipped` : ""}`);
process.exit(failed ? 1 : 0);
