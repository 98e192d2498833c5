#!/usr/bin/env node
// Bundle size and cold import time, lakebase-sdk side by side with openapi-fetch and plain fetch
// (and the peers when installed, see bench/peers/) in one run. Needs `npm run build` first: it
// measures dist/ as users get it.
//   node bench/core-size.mjs [--runs 10] [--peers] [--json]
// Bundles: the three programs of test/budgets/entries/ (the budgets of `npm run test:budgets`)
// and the same programs written by hand in bench/entries/; esbuild --bundle --minify
// --format=esm --target=es2022, gzip -9, the method of the peer measurements the issue tables quote. (a) and (b) are built
// for the neutral platform (edge), (c) for node with `pg` external; a peer that cannot build for
// neutral is built for the platform it supports, and the row says which.
// Import: a fresh `node` process per run; the table reports the median process time and its
// increment over a bare `node`, and the import's own wall and CPU time measured inside the
// process (steadier on a busy machine). Compare figures of one run, not across runs.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { budgets, measure as measureSdk } from "../test/budgets/bundle-budgets.mjs";
import { installedPeers, peersDir } from "./peers/install.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");

/** The columns: who does the work; `file` is the bench/entries/ program for letter x. */
function contenders(peers) {
  const list = [
    { name: "openapi-fetch", file: (x) => `${x}-openapi-fetch.mjs` },
    { name: "plain fetch", file: (x) => `${x}-plain-fetch.mjs` },
  ];
  if (peers["@neondatabase/api-client"]) {
    // axios's node adapter does not build for neutral; its browser build is what edge users get.
    list.push({ name: "@neondatabase/api-client", file: (x) => (x === "c" ? null : `${x}-neon.mjs`), platform: "browser" });
  }
  if (peers["@databricks/sdk-experimental"]) {
    // node:http, fs, child_process: it builds for node only.
    list.push({ name: "@databricks/sdk-experimental", file: (x) => (x === "c" ? null : `${x}-sdk-experimental.mjs`), platform: "node" });
  }
  return list;
}

async function bundle(file, platform, external) {
  try {
    const result = await build({
      entryPoints: [join(HERE, "entries", file)],
      bundle: true,
      minify: true,
      format: "esm",
      target: "es2022",
      platform,
      mainFields: ["module", "main"],
      external,
      write: false,
      logLevel: "silent",
      absWorkingDir: ROOT,
      nodePaths: [join(ROOT, "node_modules"), join(peersDir(), "node_modules")],
    });
    const code = result.outputFiles[0].contents;
    return { min: code.length, gzip: gzipSync(code, { level: 9 }).length, platform };
  } catch (error) {
    return { error: `FAIL (${error.errors?.length ?? "?"} errors)`, platform };
  }
}

/** rows: [{ entry, label, results: { "lakebase-sdk": {min,gzip,platform}, "openapi-fetch": …, … } }] */
export async function bundleSizes({ peers = {} } = {}) {
  const rows = [];
  for (const spec of budgets) {
    const letter = spec.label.slice(1, 2);
    const external = spec.external ?? [];
    const sdk = await measureSdk(spec);
    const results = { "lakebase-sdk": { min: sdk.min, gzip: sdk.gzip, platform: spec.platform, budget: spec.budget } };
    for (const c of contenders(peers)) {
      const file = c.file(letter);
      if (file) results[c.name] = await bundle(file, c.platform ?? spec.platform, external);
    }
    rows.push({ letter, label: spec.label, results });
  }
  return rows;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * One fresh process that imports `specifier` (or nothing): its whole wall time, and, measured
 * inside it, the import's own wall and CPU time. The CPU figure is the steady one when the
 * machine is busy (other processes stretch wall time, not CPU time).
 */
function sample({ specifier, cjs = false, cwd = ROOT }) {
  const load = specifier ? (cjs ? `require(${JSON.stringify(specifier)})` : `await import(${JSON.stringify(specifier)})`) : "";
  const code = `const c0 = process.cpuUsage(), t0 = performance.now(); ${load}; const c = process.cpuUsage(c0); console.log(JSON.stringify({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 }));`;
  const args = cjs ? ["-e", code] : ["--input-type=module", "-e", code];
  const start = process.hrtime.bigint();
  const out = execFileSync(process.execPath, args, { cwd, encoding: "utf8" });
  const processMs = Number(process.hrtime.bigint() - start) / 1e6;
  const { wall, cpu } = JSON.parse(out.trim());
  return { processMs, importMs: wall, cpuMs: cpu };
}

/**
 * rows: [{ label, ms, overMs, importMs, cpuMs }], bare node first. Runs are interleaved (one of
 * each case per round) so a change in the machine's load hits every case alike; each figure is
 * the median over the rounds.
 */
export function importTimes({ runs = 10, peers = {} } = {}) {
  const cases = [
    ["bare node (`node -e \"\"`)", {}],
    ["openapi-fetch (import)", { specifier: "openapi-fetch" }],
    // Under Node `lakebase-sdk` resolves to its Node build (the `node` condition: the zero-argument
    // client's configuration reader on top); the fetch-only build is what every other runtime loads.
    ["lakebase-sdk core (import)", { specifier: "lakebase-sdk" }],
    ["lakebase-sdk core, fetch-only build (import)", { specifier: "./dist/index.js" }],
    ["lakebase-sdk core (require)", { specifier: "lakebase-sdk", cjs: true }],
    ["lakebase-sdk/schemas (zod, import)", { specifier: "lakebase-sdk/schemas" }],
  ];
  if (peers["@neondatabase/api-client"]) cases.push(["@neondatabase/api-client (require)", { specifier: "@neondatabase/api-client", cjs: true, cwd: peersDir() }]);
  if (peers["@databricks/sdk-experimental"]) cases.push(["@databricks/sdk-experimental (require)", { specifier: "@databricks/sdk-experimental", cjs: true, cwd: peersDir() }]);
  const samples = cases.map(() => []);
  for (let round = 0; round < runs; round++) cases.forEach(([, options], i) => samples[i].push(sample(options)));
  const baseline = median(samples[0].map((s) => s.processMs));
  return cases.map(([label], i) => {
    const ms = median(samples[i].map((s) => s.processMs));
    return { label, ms, overMs: ms - baseline, importMs: median(samples[i].map((s) => s.importMs)), cpuMs: median(samples[i].map((s) => s.cpuMs)) };
  });
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

export function printBundles(rows) {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.results)))];
  console.log(`\nBundle size, esbuild minify + gzip -9 (min / gzip)\n`);
  console.log(`| program | ${names.join(" | ")} |`);
  console.log(`|---|${names.map(() => "---:").join("|")}|`);
  for (const row of rows) {
    const cells = names.map((n) => {
      const r = row.results[n];
      if (!r) return "n/a";
      if (r.error) return `${r.error} (${r.platform})`;
      return `${kib(r.min)} / **${kib(r.gzip)}**${r.platform !== "neutral" ? ` (${r.platform})` : ""}`;
    });
    console.log(`| ${row.label} | ${cells.join(" | ")} |`);
  }
}

export function printImports(rows, runs) {
  console.log(`\nCold import, median of ${runs} fresh processes each (interleaved)\n`);
  console.log("| import | process | over bare node | the import alone (wall) | the import alone (CPU) |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.label} | ${r.ms.toFixed(0)} ms | ${r.overMs >= 0 ? "+" : ""}${r.overMs.toFixed(0)} ms | ${r.importMs.toFixed(1)} ms | ${r.cpuMs.toFixed(1)} ms |`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(ROOT, "dist/index.js"))) {
    console.error("dist/ is missing: run `npm run build` first");
    process.exit(1);
  }
  const argv = process.argv.slice(2);
  const runs = Number(argv[argv.indexOf("--runs") + 1]) || 10;
  const peers = argv.includes("--peers") ? installedPeers() : {};
  const bundles = await bundleSizes({ peers });
  const imports = importTimes({ runs, peers });
  if (argv.includes("--json")) console.log(JSON.stringify({ bundles, imports, runs }));
  else {
    printBundles(bundles);
    printImports(imports, runs);
  }
}
