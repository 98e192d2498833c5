#!/usr/bin/env node
/**
 * `lakebase-emulator`: runs the emulator until interrupted (flags: `--help`, from cli-args.ts).
 * stdout gets exactly one JSON line (host, token, userName, engine, engines, servicePrincipal) for scripts;
 * the human block (exports to paste) and the `--verbose` log go to stderr.
 */
import { SDK_VERSION } from "../version.js";
import { parseCliArgs, usage, UsageError, type CliOptions } from "./cli-args.js";
import { preflight } from "./cli-preflight.js";
import { DataDirError, startEmulator, type Emulator, type EngineInfo } from "./index.js";
import { DEFAULT_PG_MAJOR } from "./postgres/by-version.js";

const NAME = "lakebase-emulator";

const label = (e: EngineInfo) => (e.engine === "pglite" ? "PGlite" : `system PostgreSQL${e.version ? ` ${e.version}` : ""}`);

/** Which pg_version runs where, and what happens to the others (substituted with a warning, or refused). */
function versionLines(emulator: Emulator, strict: boolean): string[] {
  const majors = [...new Set(emulator.engines.map((e) => e.pgMajor))];
  const where = majors.map((major) => `${major} on ${label(emulator.engines.find((e) => e.pgMajor === major)!)}`).join(", ");
  return [
    `pg_version ${where}.`,
    strict
      ? `Any other pg_version is refused (--strict-versions): its CreateProject operation fails, naming what to install.`
      : `Any other pg_version runs on the nearest of these instead, with a Warning header on CreateProject and a log line (--strict-versions refuses it).`,
  ];
}

/** Where endpoints are reached and which TLS names they serve. */
function endpointLine(emulator: Emulator): string {
  const where = emulator.hostNames === "name" ? "ep-<uid>.database.localhost:<port>" : "127.0.0.1:<port>";
  const kept = emulator.dataDir ? "kept in the data directory" : "this run's own";
  return `Endpoints are ${where} and serve TLS signed by the CA above (${kept}):`;
}

function banner(emulator: Emulator, strict: boolean): string {
  const engine = emulator.engines.find((e) => e.engine === emulator.engine && e.pgMajor === DEFAULT_PG_MAJOR) ?? emulator.engines.find((e) => e.engine === emulator.engine);
  return [
    `Lakebase emulator ${SDK_VERSION} (${engine ? label(engine) : emulator.engine}) listening on ${emulator.host}`,
    ...versionLines(emulator, strict),
    "",
    `export DATABRICKS_HOST=${emulator.host}`,
    `export DATABRICKS_TOKEN=${emulator.token}`,
    `export LAKEBASE_EMULATOR_CA=${emulator.caCertificatePath}`,
    "",
    // The token rides in the fragment, which the browser never sends; the page then removes it from the address bar.
    ...(emulator.dashboardUrl ? [`Dashboard: ${emulator.dashboardUrl}#token=${encodeURIComponent(emulator.token)}`, ""] : []),
    ...(emulator.dataDir ? [`State and databases are kept in ${emulator.dataDir} (the token and CA stay valid across restarts).`] : []),
    endpointLine(emulator),
    "  pg: ssl: { rejectUnauthorized: true, ca: readFileSync(process.env.LAKEBASE_EMULATOR_CA) }",
    "  libpq: sslmode=verify-full sslrootcert=$LAKEBASE_EMULATOR_CA",
    "Plaintext (sslmode=disable) is still accepted. Ctrl-C to stop.",
  ].join("\n");
}

async function run(options: CliOptions): Promise<void> {
  const log = options.verbose ? (message: string) => console.error(`[emulator] ${message}`) : undefined;
  const checked = await preflight(options.engine);
  if (checked.problems.length > 0) {
    console.error(`${NAME}: cannot start (engine: ${options.engine}):\n${checked.problems.map((p) => `  - ${p}`).join("\n")}`);
    process.exitCode = 1;
    return;
  }
  for (const note of checked.notes) console.error(`${NAME}: ${note}`);

  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      // 0 (the default) is any free port: left to the emulator, which reuses a data dir's last port when free
      port: options.port === 0 ? undefined : options.port,
      engine: options.engine,
      operationLatencyMs: options.latencyMs,
      wakeUpMs: options.wakeUpMs,
      token: options.token,
      strictVersions: options.strictVersions,
      dataDir: options.dataDir,
      hostNames: options.hostNames,
      ui: !options.noUi,
      log,
      // Path only (a query string may carry a page token) and no header (the token).
      onRequest: log && ((r) => log(`${r.method} ${r.path} ${r.status} ${Math.round(r.durationMs)} ms`)),
    });
  } catch (error) {
    // A data directory in use or of another layout: its message says what to do.
    if (error instanceof DataDirError) throw error;
    const inUse = (error as NodeJS.ErrnoException)?.code === "EADDRINUSE";
    throw inUse ? new Error(`port ${options.port} on 127.0.0.1 is in use: pick another with --port (0 for any free port)`) : error;
  }
  const { host, token, userName, engine, engines, servicePrincipal } = emulator;
  console.log(JSON.stringify({ host, token, userName, engine, engines, servicePrincipal }));
  console.error(banner(emulator, options.strictVersions));

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

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${NAME}: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  // exitCode, not exit(): stdout may be a pipe, and exit() would cut the text short.
  if (options.help) console.log(usage());
  else if (options.version) console.log(SDK_VERSION);
  else await run(options);
}

main().catch((error: unknown) => {
  console.error(`${NAME}: ${(error as Error)?.message ?? String(error)}`);
  process.exit(1);
});
