#!/usr/bin/env node
// Per-request overhead of the SDK against plain fetch and openapi-fetch, in one run, on loopback.
// The server runs in a separate process and answers a fixed JSON page (10 branches, ~2.7 KB,
// keep-alive), as in shared/reference/peers.md. Rounds alternate between clients to spread noise.
//   npm run build && node bench/request-overhead.mjs [--requests 2000] [--rounds 5]
import { fork } from "node:child_process";
import createClient from "openapi-fetch";
import { createLakebaseClient } from "lakebase-sdk";

const arg = (name, fallback) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const REQUESTS = arg("requests", 2000);
const ROUNDS = arg("rounds", 5);

if (process.argv[2] === "--serve") {
  const { createServer } = await import("node:http");
  const body = JSON.stringify({
    branches: Array.from({ length: 10 }, (_, i) => ({
      name: `projects/p/branches/b${i}`,
      parent: "projects/p",
      uid: `br-bench-${i}`,
      status: { current_state: "READY", default: i === 0, is_protected: false, logical_size_bytes: 1024 * i, source_branch: "projects/p/branches/production" },
    })),
  });
  const server = createServer((_, res) => {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send(server.address().port));
} else {
  const child = fork(new URL(import.meta.url).pathname, ["--serve"], { stdio: "inherit" });
  const port = await new Promise((resolve) => child.once("message", resolve));
  const host = `http://127.0.0.1:${port}`;
  const url = `${host}/api/2.0/postgres/projects/p/branches`;

  const raw = createClient({ baseUrl: host, headers: { Authorization: "Bearer t" } });
  const sdk = createLakebaseClient({ host, auth: "t" });
  const contenders = {
    "plain fetch": async () => (await fetch(url, { headers: { Authorization: "Bearer t", Accept: "application/json" } })).json(),
    "openapi-fetch": async () => (await raw.GET("/api/2.0/postgres/projects/{project_id}/branches", { params: { path: { project_id: "p" } } })).data,
    "lakebase-sdk page()": () => sdk.branches.list("projects/p").page(),
    "lakebase-sdk page() + zod": (() => {
      let validating;
      return async () => {
        validating ??= createLakebaseClient({ host, auth: "t", validateResponses: true });
        return validating.branches.list("projects/p").page();
      };
    })(),
  };

  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (const run of Object.values(contenders)) for (let i = 0; i < 200; i++) await run(); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < REQUESTS; i++) await run();
      samples[name].push(Number(process.hrtime.bigint() - start) / 1e3 / REQUESTS);
    }
  }
  child.kill();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(samples["plain fetch"]);
  console.log(`\nSequential GET of a 10-item page on loopback, ${REQUESTS} requests × ${ROUNDS} rounds, node ${process.version}\n`);
  console.log("| client | µs / request (median round) | × plain fetch |");
  console.log("|---|---:|---:|");
  for (const [name, xs] of Object.entries(samples)) {
    const m = median(xs);
    console.log(`| ${name} | ${m.toFixed(0)} | ${(m / base).toFixed(2)} |`);
  }
}
