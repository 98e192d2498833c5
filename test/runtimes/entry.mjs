// Command-line entry for Node, Bun and Deno: `<runtime> test/runtimes/entry.mjs <host>`.
// Prints one JSON line: { runtime, version, ok, checks, ms }.
import { runScenario } from "./scenario.mjs";

const g = globalThis;
const host = g.Deno?.args?.[0] ?? g.process?.argv?.[2] ?? g.process?.env?.LAKEBASE_HOST;
const [runtime, version] = g.Deno
  ? ["deno", g.Deno.version.deno]
  : g.Bun
    ? ["bun", g.Bun.version]
    : ["node", g.process?.versions?.node];

const result = await runScenario(host);
console.log(JSON.stringify({ runtime, version, ...result }));
