/**
 * `databricks-cli`: user (U2M) tokens minted by the Databricks CLI after `databricks auth login`
 * (docs/auth.md#databricks-cli). How every official SDK gets user tokens today:
 *
 *   databricks auth token --profile P [--force-refresh]          (CLI ≥ 0.207.1 for --profile)
 *   databricks auth token --host H [--account-id A] [--force-refresh]
 *   → stdout {"access_token": "…", "token_type": "Bearer", "expiry": "<RFC 3339>"}
 *
 * `--force-refresh` (CLI ≥ 0.296.0) makes the CLI mint a fresh token instead of answering from its
 * own cache; this SDK caches in process. The CLI is found on `PATH` (files under 1 MiB are the
 * legacy Python CLI and are ignored) unless a path is given. Only the profile/host go on the
 * command line; the token is read from stdout and never logged. Node-only.
 */
import { statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { cachedTokenProvider, type CachedTokenProviderOptions } from "./cache.js";
import { AuthenticationFailedError, CredentialUnavailableError, InvalidTokenResponseError } from "./errors.js";
import { isAccountHost, requireHost } from "./host.js";
import { runCommand } from "./run-command.js";
import { accessToken, describeProvider, scrub } from "./secrets.js";
import type { NamedTokenProvider } from "./token-provider.js";

export interface DatabricksCliOptions {
  /** A profile written by `databricks auth login --profile P`. */
  readonly profile?: string;
  /** The host, used when no profile is given. */
  readonly host?: string;
  /** Account id, passed for account hosts. */
  readonly accountId?: string;
  /** Path of the `databricks` executable (`DATABRICKS_CLI_PATH`); default: found on PATH. */
  readonly cliPath?: string;
  /** Environment for the CLI and for the PATH lookup. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Timeout of one CLI run, in ms. Default 60 000. */
  readonly timeoutMs?: number;
  readonly cache?: CachedTokenProviderOptions;
}

/** The substring the CLI keeps in its error when no login exists for the host (docs/auth.md#databricks-cli). */
const NOT_CONFIGURED = "databricks OAuth is not configured for this host";
const LEGACY_CLI_MAX_BYTES = 1024 * 1024;

interface CliVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const versionCache = new Map<string, Promise<CliVersion | undefined>>();

/**
 * User credentials from the Databricks CLI. Throws `CredentialUnavailableError` when neither a
 * profile nor a host is given or the CLI is not installed; at token time, a CLI that has no login
 * for the host also yields `CredentialUnavailableError`, any other CLI failure an
 * `AuthenticationFailedError`.
 *
 * @example
 * const auth = databricksCliCredentials({ profile: "my-workspace" });
 */
export function databricksCliCredentials(options: DatabricksCliOptions = {}): NamedTokenProvider {
  const name = "databricks-cli";
  const env = options.env ?? process.env;
  if (!options.profile && !options.host) throw new CredentialUnavailableError(name, "no profile or host to ask the CLI for");
  const host = options.host ? requireHost(name, options.host) : undefined;
  const cli = options.cliPath ?? env.DATABRICKS_CLI_PATH ?? findOnPath(env);
  if (!cli) throw new CredentialUnavailableError(name, "the databricks CLI was not found on PATH (or it is the legacy Python CLI)");
  const timeoutMs = options.timeoutMs ?? 60_000;
  const clock = options.cache?.clock ?? Date.now;

  const inner: NamedTokenProvider = {
    name,
    async getToken(opts) {
      const version = await cliVersion(cli, env);
      const args = ["auth", "token"];
      if (options.profile && (!version || atLeast(version, 0, 207, 1) || !host)) args.push("--profile", options.profile);
      else if (host) {
        args.push("--host", host);
        if (options.accountId && isAccountHost(host)) args.push("--account-id", options.accountId);
      }
      if (version && atLeast(version, 0, 296, 0)) args.push("--force-refresh");
      const { stdout } = await run(name, cli, args, env, timeoutMs, opts?.signal);
      return parseCliToken(name, stdout);
    },
  };
  return describeProvider(cachedTokenProvider(inner, { clock, ...options.cache }), "DatabricksCliCredentials", {
    profile: options.profile,
    host,
  });
}

/** Parse `databricks auth token` output: `{access_token, token_type, expiry}`. */
export function parseCliToken(name: string, stdout: string) {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    throw new InvalidTokenResponseError(name, "the CLI output is not JSON");
  }
  if (!body || typeof body.access_token !== "string" || body.access_token === "") {
    throw new InvalidTokenResponseError(name, "the CLI output has no access_token");
  }
  const expiry = typeof body.expiry === "string" ? parseExpiry(body.expiry) : undefined;
  return accessToken(body.access_token, expiry);
}

/**
 * RFC 3339 with up to nanosecond fractions (Go's RFC3339Nano), or `YYYY-MM-DD HH:MM:SS[.fff]`
 * (local time), as the SDKs accept. Undefined when unparseable.
 */
export function parseExpiry(value: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/i.exec(value.trim());
  if (!m) return undefined;
  const ms = (m[3] ?? "").slice(0, 3).padEnd(3, "0");
  const at = Date.parse(`${m[1]}T${m[2]}.${ms}${m[4] ?? ""}`);
  return Number.isNaN(at) ? undefined : at;
}

function atLeast(v: CliVersion, major: number, minor: number, patch: number): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/** `databricks version --output json` → `{Major, Minor, Patch}`; cached per executable. */
function cliVersion(cli: string, env: Readonly<Record<string, string | undefined>>): Promise<CliVersion | undefined> {
  let pending = versionCache.get(cli);
  if (!pending) {
    pending = run("databricks-cli", cli, ["version", "--output", "json"], env, 5_000).then(
      ({ stdout }) => {
        try {
          const v = JSON.parse(stdout) as Record<string, unknown>;
          if (typeof v.Major === "number" && typeof v.Minor === "number" && typeof v.Patch === "number") {
            return { major: v.Major, minor: v.Minor, patch: v.Patch };
          }
          const text = typeof v.Version === "string" ? v.Version : "";
          const m = /(\d+)\.(\d+)\.(\d+)/.exec(text);
          return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
        } catch {
          return undefined;
        }
      },
      () => undefined,
    );
    versionCache.set(cli, pending);
  }
  return pending;
}

async function run(
  name: string,
  cli: string,
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ stdout: string }> {
  const result = await runCommand(cli, args, { env, timeoutMs, signal });
  if (result.startError) throw new CredentialUnavailableError(name, `cannot run the databricks CLI (${result.startError})`);
  if (result.ok) return { stdout: result.stdout };
  if (result.stderr.includes(NOT_CONFIGURED)) {
    throw new CredentialUnavailableError(name, `the CLI has no login for this host (run \`databricks auth login\`)`);
  }
  // stderr is the CLI's own message; scrub anything token-shaped before quoting it.
  throw new AuthenticationFailedError(name, `\`databricks ${args.join(" ")}\` failed: ${scrub(result.stderr, [result.stdout])}`);
}

/** The `databricks` executable on PATH that is not the legacy Python CLI (< 1 MiB). */
function findOnPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const names = process.platform === "win32" ? ["databricks.exe"] : ["databricks"];
  for (const dir of (env.PATH ?? env.Path ?? "").split(delimiter)) {
    if (!dir) continue;
    for (const file of names) {
      const candidate = join(dir, file);
      try {
        const stat = statSync(candidate);
        if (stat.isFile() && stat.size >= LEGACY_CLI_MAX_BYTES) return candidate;
      } catch {
        // not there
      }
    }
  }
  return undefined;
}
