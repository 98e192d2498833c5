#!/usr/bin/env node
// Sequential list GET on loopback: the SDK against plain fetch and openapi-fetch (and the peers
// when installed), in one run. The server runs in a separate process and answers every GET with
// a fixed JSON page (10 branches, ~2.7 KB, keep-alive), as the peer measurements the issue tables quote. Rounds
// alternate between clients to spread noise; the figure is the median round.
//   npm run build && node bench/request-overhead.mjs [--requests 2000] [--rounds 5] [--peers] [--json]
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import createClient from "openapi-fetch";
import { listBranchesPage, makeClient } from "./lib/sdk.mjs";
import { installedPeers, peersDir } from "./peers/install.mjs";

const SELF = fileURLToPath(import.meta.url);

export const PAGE = JSON.stringify({
  branches: Array.from({ length: 10 }, (_, i) => ({
    name: `projects/p/branches/b${i}`,
    parent: "projects/p",
    uid: `br-bench-${i}`,
    status: { current_state: "READY", default: i === 0, is_protected: false, logical_size_bytes: 1024 * i, source_branch: "projects/p/branches/production" },
  })),
});

function serve() {
  return import("node:http").then(({ createServer }) => {
    const server = createServer((_, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(PAGE) });
      res.end(PAGE);
    });
    server.keepAliveTimeout = 60_000;
    server.listen(0, "127.0.0.1", () => process.send(server.address().port));
  });
}

function contenders(host, peers) {
  const url = `${host}/api/2.0/postgres/projects/p/branches`;
  const raw = createClient({ baseUrl: host, headers: { Authorization: "Bearer t" } });
  const sdk = makeClient({ host, auth: "t" });
  const validating = makeClient({ host, auth: "t", validateResponses: true });
  const list = {
    "plain fetch": async () => (await fetch(url, { headers: { Authorization: "Bearer t", Accept: "application/json" } })).json(),
    "openapi-fetch": async () => (await raw.GET("/api/2.0/postgres/projects/{project_id}/branches", { params: { path: { project_id: "p" } } })).data,
    // With the guarantee the SDK's per-attempt timeout gives (see cpu-overhead.mjs).
    "openapi-fetch + AbortSignal.timeout": async () =>
      (await raw.GET("/api/2.0/postgres/projects/{project_id}/branches", { params: { path: { project_id: "p" } }, signal: AbortSignal.timeout(60_000) })).data,
    "lakebase-sdk": () => listBranchesPage(sdk),
    "lakebase-sdk + zod validation": () => listBranchesPage(validating),
  };
  const peerRequire = createRequire(join(peersDir(), "package.json"));
  if (peers["@neondatabase/api-client"]) {
    const { createApiClient } = peerRequire("@neondatabase/api-client");
    const neon = createApiClient({ apiKey: "t", baseURL: host });
    list["@neondatabase/api-client"] = async () => (await neon.listProjectBranches({ projectId: "p" })).data;
  }
  if (peers["@databricks/sdk-experimental"]) {
    const { WorkspaceClient } = peerRequire("@databricks/sdk-experimental");
    const w = new WorkspaceClient({ host, token: "t", authType: "pat" });
    list["@databricks/sdk-experimental"] = () =>
      w.apiClient.request({ path: "/api/2.0/postgres/projects/p/branches", method: "GET", headers: new Headers(), raw: false, query: {} });
  }
  return list;
}

/** rows: [{ name, us, ratio }] (µs per request, median round; ratio = plain fetch's time / this one's). */
export async function loopbackOverhead({ requests = 2000, rounds = 5, peers = {} } = {}) {
  const child = fork(SELF, ["--serve"], { stdio: "inherit" });
  try {
    const port = await new Promise((resolve) => child.once("message", resolve));
    const runs = contenders(`http://127.0.0.1:${port}`, peers);
    const samples = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
    for (const run of Object.values(runs)) for (let i = 0; i < 200; i++) await run(); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const [name, run] of Object.entries(runs)) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < requests; i++) await run();
        samples[name].push(Number(process.hrtime.bigint() - start) / 1e3 / requests);
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const base = median(samples["plain fetch"]);
    // "× plain fetch" as in issue 10: throughput relative to plain fetch (1.00 = as fast, 0.5 = half).
    return Object.entries(samples).map(([name, xs]) => ({ name, us: median(xs), ratio: base / median(xs) }));
  } finally {
    child.kill();
  }
}

export function printLoopback(rows, { requests, rounds }) {
  console.log(`\nSequential GET of a 10-item page on loopback, ${requests} requests × ${rounds} rounds\n`);
  console.log("| client | µs / request (median round) | throughput × plain fetch |");
  console.log("|---|---:|---:|");
  for (const r of rows) console.log(`| ${r.name} | ${r.us.toFixed(0)} | ${r.ratio.toFixed(2)} |`);
}

if (process.argv[2] === "--serve") await serve();
else if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const argv = process.argv.slice(2);
  const arg = (name, fallback) => Number(argv[argv.indexOf(`--${name}`) + 1]) || fallback;
  const options = { requests: arg("requests", 2000), rounds: arg("rounds", 5), peers: argv.includes("--peers") ? installedPeers() : {} };
  const rows = await loopbackOverhead(options);
  if (argv.includes("--json")) console.log(JSON.stringify({ rows, ...options, peers: undefined }));
  else printLoopback(rows, options);
}
