#!/usr/bin/env node
// Operation completion seen: how long after an operation is done on the server the caller's
// `await` returns, with the SDK's default wait options. A stand-in server (a separate process)
// answers `branches.create` with a running operation that flips to done at a random time,
// uniform in [0, --seconds]; every create is started at once and awaited. Reported: the lag
// between the flip and the await resolving (p50, p90, max) and the polls per second per
// operation. Reference row: polling by hand every second (what bench/entries/b-*.mjs do).
//   npm run build && node bench/lro-completion.mjs [--seconds 30] [--operations 40] [--json]
import { fork } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createBranchAndWait, makeClient } from "./lib/sdk.mjs";

const SELF = fileURLToPath(import.meta.url);
const BASE = "/api/2.0/postgres";

async function serve(seconds) {
  const { createServer } = await import("node:http");
  const ops = new Map(); // branch id → { flipAt, polls }
  const json = (res, status, body) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://stand-in");
    const create = /^\/api\/2\.0\/postgres\/projects\/p\/branches$/.test(url.pathname) && req.method === "POST";
    if (create) {
      req.resume();
      const id = url.searchParams.get("branch_id");
      ops.set(id, { flipAt: Date.now() + Math.random() * seconds * 1000, polls: 0 });
      return json(res, 200, { name: `projects/p/branches/${id}/operations/op-${id}`, done: false });
    }
    const poll = /^\/api\/2\.0\/postgres\/projects\/p\/branches\/([^/]+)\/operations\/op-[^/]+$/.exec(url.pathname);
    if (poll && req.method === "GET" && ops.has(poll[1])) {
      const op = ops.get(poll[1]);
      op.polls += 1;
      const name = `projects/p/branches/${poll[1]}/operations/op-${poll[1]}`;
      if (Date.now() < op.flipAt) return json(res, 200, { name, done: false });
      const branch = { name: `projects/p/branches/${poll[1]}`, parent: "projects/p", status: { current_state: "READY" } };
      return json(res, 200, { name, done: true, response: { "@type": "type.googleapis.com/databricks.postgres.v1.Branch", ...branch } });
    }
    json(res, 404, { error_code: "NOT_FOUND", message: `stand-in: ${req.method} ${req.url}` });
  });
  process.on("message", (message) => {
    if (message === "report") process.send({ report: Object.fromEntries(ops) });
  });
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Starts `count` operations at once and awaits each; returns when each was seen done. */
async function runContender(prefix, count, waitFor) {
  const started = Date.now();
  const seen = {};
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const id = `${prefix}${i}`;
      await waitFor(id);
      seen[id] = Date.now();
    }),
  );
  return { started, seen };
}

function summarize({ started, seen }, report) {
  const lags = [];
  let polls = 0;
  let opSeconds = 0;
  for (const [id, at] of Object.entries(seen)) {
    lags.push((at - report[id].flipAt) / 1000);
    polls += report[id].polls;
    opSeconds += (at - started) / 1000;
  }
  lags.sort((a, b) => a - b);
  return { p50: percentile(lags, 50), p90: percentile(lags, 90), max: lags.at(-1), pollsPerSecond: polls / opSeconds, operations: lags.length };
}

/** rows: [{ name, p50, p90, max, pollsPerSecond, operations }] (seconds) */
export async function lroCompletion({ seconds = 30, operations = 40 } = {}) {
  const child = fork(SELF, ["--serve", String(seconds)], { stdio: "inherit" });
  try {
    const { port } = await new Promise((resolve) => child.once("message", resolve));
    const host = `http://127.0.0.1:${port}`;
    const client = makeClient({ host, auth: "t" });
    const byHand = async (id) => {
      const headers = { Authorization: "Bearer t", "content-type": "application/json" };
      let op = await (await fetch(`${host}${BASE}/projects/p/branches?branch_id=${id}`, { method: "POST", headers, body: "{}" })).json();
      while (!op.done) {
        await new Promise((r) => setTimeout(r, 1000));
        op = await (await fetch(`${host}${BASE}/${op.name}`, { headers })).json();
      }
    };
    // Side by side (the load is a few requests per second), so the run lasts one flip window.
    const [sdk, hand] = await Promise.all([
      runContender("sdk", operations, (id) => createBranchAndWait(client, "projects/p", id)),
      runContender("hand", operations, byHand),
    ]);
    child.send("report");
    const { report } = await new Promise((resolve) => child.once("message", resolve));
    return [
      { name: "lakebase-sdk (default wait)", ...summarize(sdk, report) },
      { name: "by hand, fixed 1 s polls (plain fetch)", ...summarize(hand, report) },
    ];
  } finally {
    child.kill();
  }
}

export function printLro(rows, { seconds }) {
  console.log(`\nOperation completion seen after the server's flip (flips uniform in 0–${seconds} s, ${rows[0]?.operations} concurrent operations)\n`);
  console.log("| waiter | p50 | p90 | max | polls/s per operation |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.name} | ${r.p50.toFixed(2)} s | ${r.p90.toFixed(2)} s | ${r.max.toFixed(2)} s | ${r.pollsPerSecond.toFixed(2)} |`);
}

if (process.argv[2] === "--serve") await serve(Number(process.argv[3]));
else if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const argv = process.argv.slice(2);
  const arg = (name, fallback) => Number(argv[argv.indexOf(`--${name}`) + 1]) || fallback;
  const options = { seconds: arg("seconds", 30), operations: arg("operations", 40) };
  const rows = await lroCompletion(options);
  if (argv.includes("--json")) console.log(JSON.stringify({ rows, ...options }));
  else printLro(rows, options);
}
