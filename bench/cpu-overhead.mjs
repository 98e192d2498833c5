#!/usr/bin/env node
// Per-call CPU over a stub fetch: what a client costs on top of the request itself, with the
// network taken out. Every contender lists one page of branches through the same in-process
// `fetch` stub (a fresh Response with the same ~2.7 KB JSON page each time); the figure is
// process CPU time (user + system) per call, median of the rounds, and the overhead is that
// minus plain fetch's (calling the stub and parsing the JSON by hand).
//   npm run build && node bench/cpu-overhead.mjs [--calls 5000] [--rounds 5] [--json]
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import createClient from "openapi-fetch";
import { PAGE } from "./request-overhead.mjs";
import { cachedProvider, listBranchesPage, makeClient } from "./lib/sdk.mjs";

const HOST = "https://bench.cloud.databricks.com";
const URL_ = `${HOST}/api/2.0/postgres/projects/p/branches`;
const HEADERS = { "content-type": "application/json" };

const stub = async () => new Response(PAGE, { status: 200, headers: HEADERS });

function contenders() {
  const raw = createClient({ baseUrl: HOST, headers: { Authorization: "Bearer t" }, fetch: stub });
  const far = () => Date.now() + 3_600_000;
  const pat = makeClient({ host: HOST, auth: "t", fetch: stub });
  const patNoTimeout = makeClient({ host: HOST, auth: "t", fetch: stub, timeoutMs: 0 });
  const refreshable = makeClient({ host: HOST, auth: cachedProvider(async () => ({ accessToken: "t", expiresAt: far() })), fetch: stub });
  const plainProvider = makeClient({ host: HOST, auth: { getToken: async () => ({ accessToken: "t", expiresAt: far() }) }, fetch: stub });
  return {
    "plain fetch": async () => (await stub(URL_, { headers: { Authorization: "Bearer t", Accept: "application/json" } })).json(),
    "openapi-fetch": async () => (await raw.GET("/api/2.0/postgres/projects/{project_id}/branches", { params: { path: { project_id: "p" } } })).data,
    // The same guarantee as the SDK's per-attempt timeout (a hung request is cancelled, not left
    // holding a socket): the signal a Request then follows is most of what a timeout costs.
    "openapi-fetch + AbortSignal.timeout": async () =>
      (await raw.GET("/api/2.0/postgres/projects/{project_id}/branches", { params: { path: { project_id: "p" } }, signal: AbortSignal.timeout(60_000) })).data,
    "lakebase-sdk, PAT": () => listBranchesPage(pat),
    "lakebase-sdk, PAT, timeoutMs: 0 (no per-attempt timeout)": () => listBranchesPage(patNoTimeout),
    "lakebase-sdk, refreshable provider (cachedTokenProvider)": () => listBranchesPage(refreshable),
    "lakebase-sdk, plain { getToken } provider": () => listBranchesPage(plainProvider),
  };
}

function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** rows: [{ name, us, overUs, xOpenapiFetch }] */
export async function cpuOverhead({ calls = 5000, rounds = 5 } = {}) {
  const runs = contenders();
  const samples = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  for (const run of Object.values(runs)) for (let i = 0; i < 1000; i++) await run(); // warm-up (JIT)
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(runs)) {
      const start = cpuMicros();
      for (let i = 0; i < calls; i++) await run();
      samples[name].push((cpuMicros() - start) / calls);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(samples["plain fetch"]);
  const openapi = median(samples["openapi-fetch"]);
  const openapiOver = openapi - base;
  return Object.entries(samples).map(([name, xs]) => {
    const us = median(xs);
    // Overhead ratio as issue 10 states its target; meaningless when openapi-fetch's is within noise of 0.
    return { name, us, overUs: us - base, xOpenapiFetch: openapiOver > 0 ? (us - base) / openapiOver : NaN, cpuXOpenapiFetch: us / openapi };
  });
}

export function printCpu(rows, { calls, rounds }) {
  console.log(`\nPer-call CPU over a stub fetch (one page of branches), ${calls} calls × ${rounds} rounds\n`);
  console.log("| client | CPU µs / call | over plain fetch | overhead × openapi-fetch's | CPU × openapi-fetch |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of rows) {
    const x = r.name === "plain fetch" ? "—" : `${r.xOpenapiFetch.toFixed(1)}×`;
    console.log(`| ${r.name} | ${r.us.toFixed(1)} | ${r.overUs >= 0 ? "+" : ""}${r.overUs.toFixed(1)} | ${x} | ${r.cpuXOpenapiFetch.toFixed(2)}× |`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const arg = (name, fallback) => Number(argv[argv.indexOf(`--${name}`) + 1]) || fallback;
  const options = { calls: arg("calls", 5000), rounds: arg("rounds", 5) };
  const rows = await cpuOverhead(options);
  if (argv.includes("--json")) console.log(JSON.stringify({ rows, ...options }));
  else printCpu(rows, options);
}
