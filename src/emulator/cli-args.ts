/**
 * The `lakebase-emulator` command line: one table of flags, from which both the parser and `--help`
 * are derived. No I/O here: cli.ts prints and exits.
 */
import { parseArgs } from "node:util";

export const ENGINES = ["auto", "system", "pglite"] as const;
export type EngineChoice = (typeof ENGINES)[number];
/** Endpoint host names (host-names.ts): names like the service's where they resolve, or IPs. */
export const HOST_NAMES = ["auto", "name", "ip"] as const;
export type HostNamesChoice = (typeof HOST_NAMES)[number];

export interface CliOptions {
  port: number;
  engine: EngineChoice;
  latencyMs: number;
  wakeUpMs: number;
  /** undefined: startEmulator makes a random `dapi…` token. */
  token: string | undefined;
  /** Refuse a project whose pg_version no engine here runs, instead of substituting another major. */
  strictVersions: boolean;
  /** undefined: everything in a temp directory removed on exit. */
  dataDir: string | undefined;
  hostNames: HostNamesChoice;
  /** Serve no dashboard at `/`. */
  noUi: boolean;
  verbose: boolean;
  help: boolean;
  version: boolean;
}

type ValueKind =
  | { readonly kind: "integer"; readonly min: number; readonly max: number }
  | { readonly kind: "choice"; readonly choices: readonly string[] }
  | { readonly kind: "string"; readonly placeholder: string }
  | { readonly kind: "boolean" };

interface Flag<K extends keyof CliOptions = keyof CliOptions> {
  /** Long name, without the leading `--`. */
  readonly name: string;
  readonly short?: string;
  readonly key: K;
  readonly value: ValueKind;
  readonly default: CliOptions[K];
  /** Read when the flag is absent, validated like the flag. */
  readonly env?: string;
  /** What --help shows as the default, when not the value itself (omit for --help and --version). */
  readonly defaultText?: string;
  readonly help: string;
}

const flag = <K extends keyof CliOptions>(f: Flag<K>): Flag => f;
const MAX_MS = 3_600_000;

export const FLAGS: readonly Flag[] = [
  flag({ name: "port", key: "port", value: { kind: "integer", min: 0, max: 65535 }, default: 0, defaultText: "0, any free port", help: "port of the API, on 127.0.0.1 only" }),
  flag({
    name: "engine",
    key: "engine",
    value: { kind: "choice", choices: ENGINES },
    default: "auto",
    env: "LAKEBASE_EMULATOR_ENGINE",
    defaultText: "$LAKEBASE_EMULATOR_ENGINE, else auto",
    help: "Postgres engines; auto: every system PostgreSQL found and PGlite (18), each project on the major its pg_version asks",
  }),
  flag({ name: "latency-ms", key: "latencyMs", value: { kind: "integer", min: 0, max: MAX_MS }, default: 300, help: "how long every long-running operation takes at least" }),
  flag({ name: "wake-up-ms", key: "wakeUpMs", value: { kind: "integer", min: 0, max: MAX_MS }, default: 1000, help: "how long a suspended endpoint refuses connections while it wakes up" }),
  flag({
    name: "token",
    key: "token",
    value: { kind: "string", placeholder: "token" },
    default: undefined,
    env: "LAKEBASE_EMULATOR_TOKEN",
    defaultText: "$LAKEBASE_EMULATOR_TOKEN, else a random dapi…",
    help: "the personal access token the API accepts",
  }),
  flag({
    name: "strict-versions",
    key: "strictVersions",
    value: { kind: "boolean" },
    default: false,
    defaultText: "off",
    help: "refuse a project whose pg_version no engine here runs (its operation fails, naming what to install) instead of running another major with a Warning header",
  }),
  flag({
    name: "data-dir",
    key: "dataDir",
    value: { kind: "string", placeholder: "dir" },
    default: undefined,
    defaultText: "none: a temp directory removed on exit",
    help: "keep state and databases in this directory across restarts (projects, branches and their rows, operations, the token, the CA); created if missing, one emulator at a time",
  }),
  flag({
    name: "host-names",
    key: "hostNames",
    value: { kind: "choice", choices: HOST_NAMES },
    default: "auto",
    defaultText: "auto: names when *.localhost resolves to loopback, else ip",
    help: "endpoint hosts: name (ep-<uid>.database.localhost:<port>, like the service's) or ip (127.0.0.1:<port>)",
  }),
  flag({ name: "no-ui", key: "noUi", value: { kind: "boolean" }, default: false, defaultText: "off: the dashboard is served", help: "serve no dashboard at / (the dashboard shows branch trees, endpoints, operations and fault knobs, live; its data takes the token)" }),
  flag({ name: "verbose", key: "verbose", value: { kind: "boolean" }, default: false, defaultText: "off", help: "log each API request (method, path, status, ms) and Postgres events to stderr" }),
  flag({ name: "help", short: "h", key: "help", value: { kind: "boolean" }, default: false, help: "print this help and exit" }),
  flag({ name: "version", key: "version", value: { kind: "boolean" }, default: false, help: "print the version and exit" }),
];

/** A bad command line: cli.ts prints the message on one line and exits with 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const spelling = (f: Flag) => `--${f.name}`;
const spellings = (f: Flag) => [...(f.short ? [`-${f.short}`] : []), spelling(f)];

function accepted(value: ValueKind): string {
  switch (value.kind) {
    case "integer":
      return `an integer from ${value.min} to ${value.max}`;
    case "choice":
      return `one of ${value.choices.join(", ")}`;
    case "string":
      return `a non-empty ${value.placeholder}`;
    case "boolean":
      return "no value";
  }
}

/** Converts a flag's or environment variable's text (`source` names it in the message). */
function convert(f: Flag, text: string, source: string): CliOptions[keyof CliOptions] {
  const v = f.value;
  const ok =
    v.kind === "integer" ? /^\d+$/.test(text) && Number(text) >= v.min && Number(text) <= v.max : v.kind === "choice" ? v.choices.includes(text) : text !== "";
  if (!ok) throw new UsageError(`${source} must be ${accepted(v)} (got ${JSON.stringify(text)})`);
  return v.kind === "integer" ? Number(text) : text;
}

/** Parses `argv` (without node and the script); `env` supplies the defaults the table names. Throws UsageError. */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliOptions {
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(FLAGS.map((f) => [f.name, { type: f.value.kind === "boolean" ? "boolean" : "string", ...(f.short ? { short: f.short } : {}) }] as const)),
    strict: false, // unknown flags and missing values get this module's messages, below
    allowPositionals: true,
    tokens: true,
  });
  const result: Record<string, unknown> = {};
  for (const f of FLAGS) {
    const fromEnv = f.env ? env[f.env] : undefined;
    result[f.key] = fromEnv ? convert(f, fromEnv, f.env!) : f.default;
  }
  const known = new Set(FLAGS.flatMap(spellings));
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}: only flags are accepted (see --help)`);
    const f = FLAGS.find((x) => spellings(x).includes(token.rawName));
    if (!f) throw new UsageError(`unknown flag ${token.rawName}; accepted: ${FLAGS.map((x) => spellings(x).join("/")).join(", ")}`);
    if (f.value.kind === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${spelling(f)} takes no value (got ${JSON.stringify(token.value)})`);
      result[f.key] = true;
      continue;
    }
    // `--token --verbose`: the next flag is not a value (parseArgs, not strict, would take it as one).
    const missing = token.value === undefined || (!token.inlineValue && known.has(token.value.split("=")[0]!));
    if (missing) throw new UsageError(`${spelling(f)} needs a value: ${accepted(f.value)}`);
    result[f.key] = convert(f, token.value!, spelling(f));
  }
  return result as unknown as CliOptions;
}

/** The --help text, from the same table. */
export function usage(): string {
  const left = (f: Flag) => {
    const names = spellings(f).join(", ");
    const v = f.value;
    const arg = v.kind === "integer" ? " <n>" : v.kind === "choice" ? ` <${v.choices.join("|")}>` : v.kind === "string" ? ` <${v.placeholder}>` : "";
    return names + arg;
  };
  const width = Math.max(...FLAGS.map((f) => left(f).length)) + 2;
  const lines = FLAGS.map((f) => {
    const shown = f.defaultText ?? (f.value.kind === "boolean" ? undefined : String(f.default));
    return `  ${left(f).padEnd(width)}${f.help}${shown === undefined ? "" : ` (default: ${shown})`}`;
  });
  const envs = FLAGS.filter((f) => f.env).map((f) => `  ${f.env!.padEnd(width)}default of ${spelling(f)}`);
  return [
    "usage: lakebase-emulator [flags]",
    "",
    "A local Lakebase Postgres API (/api/2.0/postgres) over real Postgres, until Ctrl-C.",
    "Prints one JSON line on stdout ({ host, token, userName, engine, engines, servicePrincipal }),",
    "then the DATABRICKS_HOST / DATABRICKS_TOKEN exports to paste, on stderr.",
    "",
    "flags:",
    ...lines,
    "",
    "environment:",
    ...envs,
    `  ${"PG_BIN".padEnd(width)}bin directory of the system PostgreSQL (else /usr/lib/postgresql/*/bin, then PATH)`,
    "",
    "needs: the npm package pg, and either PostgreSQL >= 13 (apt-get install postgresql) for the",
    "system engine or @electric-sql/pglite and @electric-sql/pglite-socket for the pglite engine.",
    "pg_version: a project runs the major it asks (default 17) on an engine of that major (PGlite",
    "is 18; the system engine is each PostgreSQL installed); with none, it runs on the nearest one",
    "and the CreateProject response carries a Warning header (--strict-versions: it fails instead).",
    "exit status: 0 after Ctrl-C or SIGTERM, 1 cannot start, 2 bad flags.",
  ].join("\n");
}
