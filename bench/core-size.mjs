#!/usr/bin/env node
// Bundle size and cold import time of the core entry, side by side with plain fetch and
// openapi-fetch in one run. Needs `npm run build` first (it measures dist/ as users get it).
//   node bench/core-size.mjs [--runs 15]
// Bundles: esbuild --bundle --minify --format=esm --target=es2022, gzip -9, as in peers.md.
// Import: a fresh `node` process per run; the table reports the median and the increment over
// a bare `node -e ""` baseline. These machines are noisy: compare ratios, not absolutes.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 15;
if (!existsSync(join(root, "dist/index.js"))) {
  console.error("dist/ is missing: run `npm run build` first");
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), "lakebase-bench-"));
const entries = {
  "plain fetch": `const r = await fetch("https://h/api/2.0/postgres/projects/p/branches", { headers: { Authorization: "Bearer t" } }); console.log(await r.json());`,
  "openapi-fetch": `import createClient from "openapi-fetch"; const c = createClient({ baseUrl: "https://h" }); console.log(await c.GET("/api/2.0/postgres/projects/{project_id}/branches", { params: { path: { project_id: "p" } } }));`,
  "lakebase-sdk (core)": `import { createLakebaseClient } from "lakebase-sdk"; const c = createLakebaseClient({ host: "https://h", auth: "t" }); console.log(await c.branches.list("projects/p"));`,
};

async function bundleSize(name, source, platform) {
  const file = join(scratch, `${name.replace(/\W+/g, "-")}.mjs`);
  writeFileSync(file, source);
  try {
    const result = await build({
      entryPoints: [file],
      bundle: true,
      minify: true,
      format: "esm",
      target: "es2022",
      platform,
      mainFields: ["module", "main"],
      write: false,
      logLevel: "silent",
      nodePaths: [join(root, "node_modules")],
      alias: { "lakebase-sdk": join(root, "dist/index.js") },
    });
    const code = result.outputFiles[0].contents;
    return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
  } catch (error) {
    return { error: `FAIL (${error.errors?.length ?? "?"} errors)` };
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function importTime(specifier) {
  const code = specifier ? `await import(${JSON.stringify(specifier)})` : "";
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: root, stdio: "ignore" });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`\nBundle size (esbuild minify, gzip -9) — node ${process.version}\n`);
console.log("| entry | neutral min | neutral gzip | browser gzip |");
console.log("|---|---:|---:|---:|");
for (const [name, source] of Object.entries(entries)) {
  const neutral = await bundleSize(name, source, "neutral");
  const browser = await bundleSize(name, source, "browser");
  const cell = (r, k) => (r.error ? r.error : kib(r[k]));
  console.log(`| ${name} | ${cell(neutral, "min")} | ${cell(neutral, "gzip")} | ${cell(browser, "gzip")} |`);
}

console.log(`\nCold import time, median of ${runs} fresh processes\n`);
const baseline = importTime(null);
console.log("| import | median | over baseline |");
console.log("|---|---:|---:|");
console.log(`| baseline \`node -e ""\` | ${baseline.toFixed(0)} ms | 0 |`);
for (const [label, specifier] of [
  ["openapi-fetch", "openapi-fetch"],
  ["lakebase-sdk (ESM)", "lakebase-sdk"],
  ["lakebase-sdk/schemas (zod)", "lakebase-sdk/schemas"],
]) {
  const t = importTime(specifier);
  console.log(`| ${label} | ${t.toFixed(0)} ms | +${(t - baseline).toFixed(0)} ms |`);
}
console.log("\nPeers measured on this machine type (shared/reference/peers.md): @databricks/sdk-experimental +149 ms / 189 KiB gzip; @neondatabase/api-client +64 ms / 75 KiB (node).");
