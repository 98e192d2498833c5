// `lakebase`: a small CLI on lakebase-sdk, re-creating the commands of the Databricks CLI's
// `postgres` group a TypeScript tool most often needs. Run `lakebase --help` for the commands.
//
// `main` takes its arguments, streams and environment as parameters and returns the exit code,
// so tests drive it in-process; lakebase.ts is the only file that touches `process`.
import { parseInvocation } from "./args.js";
import { commands } from "./commands.js";
import { clientFromEnvironment } from "./environment.js";
import { EXIT_OK, reportFailure } from "./failures.js";
import type { Io } from "./io.js";
import { USAGE, UsageError } from "./usage.js";

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let json = argv.includes("--json"); // known before parsing, so a parse error can honour it
  try {
    const invocation = parseInvocation(argv);
    json = invocation.json;
    if (invocation.help) {
      io.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    const command = commands[invocation.command];
    if (!command) {
      if (invocation.command === "") throw new UsageError("no command given");
      throw new UsageError(`unknown command ${JSON.stringify(invocation.command)}`);
    }
    await command(clientFromEnvironment(io.env), invocation, io);
    return EXIT_OK;
  } catch (error) {
    return reportFailure(error, io, json);
  }
}
