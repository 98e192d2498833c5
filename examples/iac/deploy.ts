// An infrastructure-as-code run on lakebase-sdk/iac: a bundle file planned and applied as it is,
// applied a second time (every resource unchanged), then one field changed (a one-field plan).
//
//   DATABRICKS_HOST=… DATABRICKS_TOKEN=… node deploy.mjs [path/to/databricks.yml]
//
// `npx lakebase-emulator` prints the two variables for a local run.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { createLakebaseClient } from "lakebase-sdk";
import { apply, plan, type AppliedResource, type ApplyProgress } from "lakebase-sdk/iac";

const bundleFile = process.argv[2] ?? new URL("./databricks.yml", import.meta.url).pathname;
const host = process.env.DATABRICKS_HOST;
const token = process.env.DATABRICKS_TOKEN;
if (!host || !token) {
  console.error("set DATABRICKS_HOST and DATABRICKS_TOKEN (npx lakebase-emulator prints both)");
  process.exit(2);
}
const client = createLakebaseClient({ host, auth: token });
const bundle = parse(readFileSync(bundleFile, "utf8")) as Record<string, unknown>;

/** One line per step of apply: what is being done, and the operation waited on. */
const progress = (p: ApplyProgress) => {
  if (p.phase === "waiting") console.log(`  … ${p.action} ${p.kind} ${p.name} (operation ${p.operation})`);
};
const report = (applied: readonly AppliedResource[]) => {
  for (const r of applied) console.log(`  ${r.action.padEnd(9)} ${r.kind.padEnd(8)} ${r.name}`);
};

console.log(`1. first deploy of ${bundleFile}`);
const first = await plan(client, bundle);
console.log(String(first));
report(await apply(client, first, { onProgress: progress }));

console.log("2. the same bundle again: nothing to do");
const second = await plan(client, bundle);
console.log(String(second));
report(await apply(client, second, { onProgress: progress }));

console.log("3. one field changed: the replica may scale to 1 CU");
const resources = bundle.resources as { postgres_endpoints: { read_replica: Record<string, unknown> } };
resources.postgres_endpoints.read_replica.autoscaling_limit_max_cu = 1.0;
const third = await plan(client, bundle);
console.log(String(third));
report(await apply(client, third, { onProgress: progress }));
console.log(`4. converged: ${(await plan(client, bundle)).changes.length} changes left`);
