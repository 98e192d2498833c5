// Command-line parsing: node:util's parseArgs in strict mode, so an unknown flag or a missing
// value is a usage error rather than something silently ignored.
import { parseArgs } from "node:util";
import { UsageError } from "./usage.js";

export interface Invocation {
  /** "projects list", "branches create", … */
  readonly command: string;
  readonly positionals: readonly string[];
  readonly json: boolean;
  readonly noWait: boolean;
  readonly help: boolean;
  readonly timeoutMs?: number;
  readonly ttlSeconds?: number;
  readonly kind?: string;
}

export function parseInvocation(argv: readonly string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean" },
        "no-wait": { type: "boolean" },
        help: { type: "boolean", short: "h" },
        timeout: { type: "string" },
        ttl: { type: "string" },
        kind: { type: "string" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [group = "", verb = "", ...rest] = positionals;
  return {
    command: `${group} ${verb}`.trim(),
    positionals: rest,
    json: values.json === true,
    noWait: values["no-wait"] === true,
    help: values.help === true,
    ...(values.timeout === undefined ? {} : { timeoutMs: parseDuration(values.timeout, "--timeout") }),
    ...(values.ttl === undefined ? {} : { ttlSeconds: parseDuration(values.ttl, "--ttl") / 1000 }),
    ...(values.kind === undefined ? {} : { kind: values.kind }),
  };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations as the Databricks CLI takes them: "90s", "5m", "1h30m", "1500ms". */
export function parseDuration(text: string, flag: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
    throw new UsageError(`${flag}: expected a duration such as 90s, 5m or 1h30m, got ${JSON.stringify(text)}`);
  }
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNIT_MS[unit!]!, 0);
}

/** Exactly as many positional arguments as `names`, which name them in the error message. */
export function expectPositionals(invocation: Invocation, ...names: string[]): string[] {
  if (invocation.positionals.length !== names.length) {
    const wanted = names.length === 0 ? "no arguments" : names.map((n) => `<${n}>`).join(" ");
    throw new UsageError(`${invocation.command} takes ${wanted}, got ${invocation.positionals.length} argument(s)`);
  }
  return [...invocation.positionals];
}
