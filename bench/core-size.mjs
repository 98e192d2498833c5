#!/usr/bin/env node
// Bundle size and cold import time, lakebase-sdk side by side with openapi-fetch and plain fetch
// (and the peers when installed, see bench/peers/) in one run. Needs `npm run build` first: it
// measures dist/ as users get it.
//   node bench/core-size.mjs [--runs 10] [--peers] [--json]
// Bundles: the three programs of test/budgets/entries/ (the budgets of `npm run test:budgets`)
// and the same programs written by hand in bench/entries/; esbuild --bundle --minify
// --format=esm --target=es2022, gzip -9, as in shared/reference/peers.md. (a) and (b) are built
// for the neutral platform (edge), (c) for node with `pg` external; a peer that cannot build for
// neutral is built for the platform it supports, and the row says which.
// Import: a fresh `node` process per run; the table reports the median and the increment over a
// bare `node` baseline. These machines are noisy: compare ratios in one run, not absolutes.
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

/** Median wall time of `runs` fresh processes evaluating `code` (ESM, or CommonJS with `cjs`). */
function processTime(code, { runs, cwd = ROOT, cjs = false }) {
  const args = cjs ? ["-e", code] : ["--input-type=module", "-e", code];
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { cwd, stdio: "ignore" });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

/** rows: [{ label, ms, overMs }] with the bare-node baseline first. */
export function importTimes({ runs = 10, peers = {} } = {}) {
  const baseline = processTime("", { runs });
  const rows = [{ label: 'bare node (`node -e ""`)', ms: baseline, overMs: 0 }];
  const cases = [
    ["openapi-fetch (import)", "await import('openapi-fetch')", {}],
    ["lakebase-sdk core (import)", "await import('lakebase-sdk')", {}],
    ["lakebase-sdk core (require)", "require('lakebase-sdk')", { cjs: true }],
    ["lakebase-sdk/schemas (zod, import)", "await import('lakebase-sdk/schemas')", {}],
  ];
  if (peers["@neondatabase/api-client"]) cases.push(["@neondatabase/api-client (require)", "require('@neondatabase/api-client')", { cjs: true, cwd: peersDir() }]);
  if (peers["@databricks/sdk-experimental"]) cases.push(["@databricks/sdk-experimental (require)", "require('@databricks/sdk-experimental')", { cjs: true, cwd: peersDir() }]);
  for (const [label, code, options] of cases) {
    const ms = processTime(code, { runs, ...options });
    rows.push({ label, ms, overMs: ms - baseline });
  }
  return rows;
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
  console.log(`\nCold import, median of ${runs} fresh processes\n`);
  console.log("| import | median | over bare node |");
  console.log("|---|---:|---:|");
  for (const r of rows) console.log(`| ${r.label} | ${r.ms.toFixed(0)} ms | +${r.overMs.toFixed(0)} ms |`);
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
