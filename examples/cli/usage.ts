// Usage text and the usage error: what `lakebase --help` prints, and what a mistyped command
// prints before exiting 2. One place, so help and errors never disagree.

export const USAGE = `usage: lakebase <command> [options]

commands:
  projects list                                   list the workspace's projects
  branches create <project> <branch-id>           create a branch and wait for it
      [--no-wait] [--timeout <duration>]          --no-wait: print the operation and return at once
      [--ttl <duration>]                          the branch expires after it (default: never)
  operations get <operation-name>                 show an operation once (no waiting)
  operations wait <operation-name>                wait for an operation and print its result
      [--kind <MutationId>] [--timeout <duration>]
  credentials generate <endpoint-name>            mint a short-lived Postgres credential
      [--ttl <duration>]                          the token is printed only with --json

options:
  --json        machine-readable output on stdout (errors as one JSON line on stderr)
  --timeout     how long to wait, e.g. 90s, 5m, 1h (default 20m)
  -h, --help    this text

environment:
  DATABRICKS_HOST, DATABRICKS_TOKEN   the workspace and a token (the emulator prints both)

exit codes: 0 ok, 1 API or operation error, 2 usage error`;

/** Bad command line or environment: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
