#!/usr/bin/env node
// Emulator start-up time, time to a usable project (branch + endpoint + Postgres), fork time and
// memory (this process's RSS plus the Postgres children's RSS), per engine, in one run.
//   npm run build && node bench/emulator.mjs
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createLakebaseClient } from "lakebase-sdk";
import { startEmulator } from "lakebase-sdk/emulator";

function childrenRssMiB(pid = process.pid) {
  let total = 0;
  let kids = [];
  try {
    kids = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return 0;
  }
  for (const kid of kids) {
    try {
      const status = readFileSync(`/proc/${kid}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    } catch {}
    total += childrenRssMiB(Number(kid));
  }
  return total;
}

console.log("| engine | start | project ready | fork branch | node RSS | children RSS |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const engine of ["system", "pglite"]) {
  const t0 = performance.now();
  const emulator = await startEmulator({ engine, operationLatencyMs: 0 });
  const t1 = performance.now();
  const client = createLakebaseClient({ host: emulator.host, auth: emulator.token });
  await client.projects.create("bench", { spec: {} }).wait({ pollIntervalMs: 10 });
  const t2 = performance.now();
  await client.branches.create("projects/bench", "fork", { spec: {} }).wait({ pollIntervalMs: 10 });
  const t3 = performance.now();
  const rss = process.memoryUsage().rss / 2 ** 20;
  const kids = childrenRssMiB();
  console.log(`| ${emulator.engine} | ${(t1 - t0).toFixed(0)} ms | ${(t2 - t1).toFixed(0)} ms | ${(t3 - t2).toFixed(0)} ms | ${rss.toFixed(0)} MiB | ${kids.toFixed(0)} MiB |`);
  await emulator.stop();
}
