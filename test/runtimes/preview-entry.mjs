// Command-line entry of the serverless example for Node, Bun and Deno:
// `<runtime> test/runtimes/preview-entry.mjs <host> <handler bundle>`. The handler (built by run.mjs
// from examples/serverless/handler.ts) is invoked in-process; prints one JSON line like entry.mjs.
import { runPreviewChecks } from "./preview-checks.mjs";
import { PREVIEW_ENV } from "./preview-stand-in.mjs";

const g = globalThis;
const [host, bundle] = g.Deno?.args ?? g.process?.argv?.slice(2) ?? [];
const [runtime, version] = g.Deno ? ["deno", g.Deno.version.deno] : g.Bun ? ["bun", g.Bun.version] : ["node", g.process?.versions?.node];

// A file URL by hand: Deno has no node:url without the compat layer, and this must run everywhere.
const { default: handler } = await import(`file://${bundle.split("/").map(encodeURIComponent).join("/")}`);
const env = { ...PREVIEW_ENV, DATABRICKS_HOST: host };
const result = await runPreviewChecks((request) => handler.fetch(request, env));
console.log(JSON.stringify({ runtime, version, ...result }));
