#!/usr/bin/env node
/**
 * `lakebase-emulator`: runs the emulator until interrupted.
 *   lakebase-emulator [--port 8080] [--engine auto|system|pglite] [--latency-ms 300] [--token dapi…]
 * Prints the host and credentials as JSON on one line (for scripts), then a human summary.
 */
import { startEmulator } from "./index.js";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv.includes("--help")) {
  console.log("usage: lakebase-emulator [--port N] [--engine auto|system|pglite] [--latency-ms N] [--wake-up-ms N] [--token T] [--verbose]");
  process.exit(0);
}

async function main(): Promise<void> {
const emulator = await startEmulator({
  port: flag("port") ? Number(flag("port")) : undefined,
  engine: (flag("engine") as "auto" | "system" | "pglite" | undefined) ?? "auto",
  operationLatencyMs: flag("latency-ms") ? Number(flag("latency-ms")) : undefined,
  wakeUpMs: flag("wake-up-ms") ? Number(flag("wake-up-ms")) : undefined,
  token: flag("token") ?? process.env.LAKEBASE_EMULATOR_TOKEN,
  log: process.argv.includes("--verbose") ? (m) => console.error(`[emulator] ${m}`) : undefined,
});
console.log(JSON.stringify({ host: emulator.host, token: emulator.token, userName: emulator.userName, engine: emulator.engine, servicePrincipal: emulator.servicePrincipal }));
console.error(`Lakebase emulator (${emulator.engine} Postgres) listening on ${emulator.host}\n  DATABRICKS_HOST=${emulator.host}\n  DATABRICKS_TOKEN=${emulator.token}\nCtrl-C to stop.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await emulator.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`lakebase-emulator: ${(error as Error)?.message ?? String(error)}`);
  process.exit(1);
});
