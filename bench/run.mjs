#!/usr/bin/env node
// `npm run bench`: the figures of issue 10 side by side in one run (lakebase-sdk, openapi-fetch,
// plain fetch, and the peers with --peers), then each section's own table, then the emulator's.
// Each section runs in its own process (bench/*.mjs --json), one after the other, so a timing
// never shares the CPU with another section of this run; the load average at the start and the
// end is printed because other work on the machine skews the time figures (compare ratios).
//
//   npm run bench                                # ≈ 2–3 minutes
//   npm run bench -- --peers                     # also the peers (installed on demand, bench/peers/)
//   npm run bench -- --lro-seconds 10 --no-emulator
// LAKEBASE_BENCH_PEERS=1 is the same as --peers.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { printBundles, printImports } from "./core-size.mjs";
import { printCpu } from "./cpu-overhead.mjs";
import { printLro } from "./lro-completion.mjs";
import { installPeers } from "./peers/install.mjs";
import { printLoopback } from "./request-overhead.mjs";
import { printTokens } from "./token-calls.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const arg = (name, fallback) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : fallback);

if (!existsSync(join(ROOT, "dist/index.js"))) {
  console.error("bench: dist/ is missing; run `npm run build` first (npm run bench does)");
  process.exit(2);
}
const withPeers = flag("peers") || process.env.LAKEBASE_BENCH_PEERS === "1";
const peers = withPeers ? installPeers() : {};
const peerArgs = withPeers ? ["--peers"] : [];
const lroSeconds = arg("lro-seconds", 30);
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
const loadAtStart = load();

function section(script, args) {
  const started = Date.now();
  process.stderr.write(`bench: ${script} … `);
  const out = execFileSync(process.execPath, [join(HERE, script), ...args, "--json"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 });
  process.stderr.write(`${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return JSON.parse(out.trim().split("\n").at(-1));
}

const sizes = section("core-size.mjs", [...peerArgs, "--runs", String(arg("import-runs", 10))]);
const cpu = section("cpu-overhead.mjs", ["--calls", String(arg("calls", 5000)), "--rounds", "5"]);
const loopback = section("request-overhead.mjs", [...peerArgs, "--requests", String(arg("requests", 2000)), "--rounds", "5"]);
const lro = section("lro-completion.mjs", ["--seconds", String(lroSeconds), "--operations", "40"]);
const tokens = section("token-calls.mjs", []);
const surface = section("exports-count.mjs", []);

// ---- the summary table of issue 10 ----------------------------------------------------------
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const peerNames = Object.keys(peers);
const bundleRow = (letter, title, target) => {
  const row = sizes.bundles.find((b) => b.letter === letter);
  const cell = (name) => {
    const r = row.results[name];
    return !r ? "n/a" : r.error ? r.error : `${kib(r.gzip)}${r.platform !== "neutral" && letter !== "c" ? ` (${r.platform})` : ""}`;
  };
  return [title, cell("lakebase-sdk"), cell("openapi-fetch"), cell("plain fetch"), peerNames.map((n) => `${n.split("/")[1]} ${cell(n)}`).join("; ") || "—", target];
};
const cpuOf = (name) => cpu.rows.find((r) => r.name.startsWith(name));
const loopOf = (name) => loopback.rows.find((r) => r.name === name);
const importOf = (label) => sizes.imports.find((r) => r.label.startsWith(label));
const importCell = (r) => (r ? `+${r.importMs.toFixed(1)} / ${r.cpuMs.toFixed(1)} ms` : "n/a");
const pat = cpuOf("lakebase-sdk, PAT");
const refreshable = cpuOf("lakebase-sdk, refreshable");
const openapiCpu = cpuOf("openapi-fetch");
const openapiTimeoutCpu = cpuOf("openapi-fetch + AbortSignal.timeout");
const patNoTimeout = cpuOf("lakebase-sdk, PAT, timeoutMs: 0");
const sdkLro = lro.rows[0];
const handLro = lro.rows[1];
const plainTokens = tokens.rows[0];
const cachedTokens = tokens.rows[1];

const rows = [
  ["figure", "lakebase-sdk", "openapi-fetch", "plain fetch", "peers", "target"],
  bundleRow("b", "bundle, M2M + list + create/await (min+gzip, neutral)", "≤ 12 KiB"),
  bundleRow("a", "bundle, PAT + list only", "≤ 8 KiB"),
  bundleRow("c", "bundle, pg pool (node, pg external)", `≤ ${kib(sizes.bundles.find((b) => b.letter === "c").results["lakebase-sdk"].budget)}`),
  [
    "per-call CPU over a stub fetch (over plain fetch)",
    `PAT +${pat.overUs.toFixed(0)} µs (${pat.xOpenapiFetch.toFixed(1)}× openapi-fetch's, ${(pat.overUs / openapiTimeoutCpu.overUs).toFixed(1)}× with its timeout); refreshable provider +${refreshable.overUs.toFixed(0)} µs; no per-attempt timeout +${patNoTimeout.overUs.toFixed(0)} µs (${patNoTimeout.xOpenapiFetch.toFixed(1)}×)`,
    `+${openapiCpu.overUs.toFixed(1)} µs; + AbortSignal.timeout +${openapiTimeoutCpu.overUs.toFixed(1)} µs`,
    `${cpuOf("plain fetch").us.toFixed(0)} µs/call`,
    "—",
    "≤ 2× openapi-fetch",
  ],
  [
    "sequential list GET on loopback, × plain fetch",
    loopOf("lakebase-sdk").ratio.toFixed(2),
    `${loopOf("openapi-fetch").ratio.toFixed(2)}; + AbortSignal.timeout ${loopOf("openapi-fetch + AbortSignal.timeout").ratio.toFixed(2)}`,
    "1.00",
    peerNames.map((n) => `${n.split("/")[1]} ${loopOf(n)?.ratio.toFixed(2) ?? "n/a"}`).join("; ") || "—",
    "≥ openapi-fetch's ratio",
  ],
  [
    // The import measured inside the fresh process (wall / CPU): steadier than the difference of
    // two whole-process times when the machine is busy; the process figures are in the table below.
    "cold import of the core, over bare node (import alone: wall / CPU)",
    `Node build ${importCell(importOf("lakebase-sdk core (import)"))}; fetch-only build ${importCell(importOf("lakebase-sdk core, fetch-only"))}`,
    importCell(importOf("openapi-fetch")),
    "0",
    peerNames.map((n) => `${n.split("/")[1]} ${importCell(importOf(n))}`).join("; ") || "—",
    "≤ 8 ms",
  ],
  ["root exports", `${surface.names} names (${surface.values} values, ${surface.errorClasses} of them error classes)`, "—", "—", "—", "≤ 40 values"],
  [
    `operation completion seen, p90 (done within ${lroSeconds} s)`,
    `${sdkLro.p90.toFixed(1)} s, ${sdkLro.pollsPerSecond.toFixed(2)} polls/s`,
    "—",
    `by hand every 1 s: ${handLro.p90.toFixed(1)} s, ${handLro.pollsPerSecond.toFixed(2)} polls/s`,
    "—",
    "≤ 3 s, ≤ 1 poll/s",
  ],
  [
    `${plainTokens.calls} concurrent calls, plain { getToken } provider`,
    `${plainTokens.tokenFetches} token fetches (SDK's cache: ${cachedTokens.tokenFetches})`,
    "—",
    "—",
    "—",
    "1",
  ],
];

console.log(`\n## lakebase-sdk bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${new Date().toISOString()}`);
console.log(`load average (1/5/15 min): ${loadAtStart} at the start, ${load()} at the end\n`);
console.log(`| ${rows[0].join(" | ")} |`);
console.log(`|${rows[0].map(() => "---").join("|")}|`);
for (const r of rows.slice(1)) console.log(`| ${r.join(" | ")} |`);

// ---- each section's own table ----------------------------------------------------------------
printBundles(sizes.bundles);
printImports(sizes.imports, sizes.runs);
printCpu(cpu.rows, cpu);
printLoopback(loopback.rows, loopback);
printLro(lro.rows, lro);
printTokens(tokens.rows);
console.log(`\nRoot exports: ${surface.names} names = ${surface.values} values + ${surface.typesOnly} types only; error classes (${surface.errorClasses}): ${surface.errorClassNames.join(", ")}`);

if (!flag("no-emulator")) {
  console.log("\nEmulator (bench/emulator.mjs)\n");
  execFileSync(process.execPath, [join(HERE, "emulator.mjs")], { cwd: ROOT, stdio: "inherit" });
}
