// The main job, end to end, with visible progress: create a project and wait on its operation,
// put a table with one order on its production branch, fork a feature branch from it, list the
// feature branch's endpoints page by page, update its endpoint with a computed field mask, mint a
// database credential, connect with pg to the feature branch, write there and show production
// unchanged, then clean up. Every step says what it does and on which branch.
//
// Runs on the embedded emulator by default. With DATABRICKS_HOST (and DATABRICKS_TOKEN) set, the
// same script runs against a real workspace.
import { createLakebaseClient, fieldMask } from "lakebase-sdk";
import { createPool } from "lakebase-sdk/postgres";

const started = Date.now();
const step = (n, text) => console.log(`${String(n).padStart(2)}. ${text}`);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

let emulator;
let host = process.env.DATABRICKS_HOST;
let auth;
if (host) {
  // A real workspace: the default credential chain (env, ~/.databrickscfg, CLI login, …).
  const { defaultCredentials } = await import("lakebase-sdk/auth/node");
  auth = defaultCredentials();
} else {
  const { startEmulator } = await import("lakebase-sdk/emulator");
  // The first start on PGlite loads a WebAssembly Postgres (≈ 15 s on a small machine): say so,
  // and keep saying it, rather than sit silent.
  console.log("Starting the Lakebase emulator (a local Lakebase API over real Postgres) …");
  const ticker = setInterval(() => console.log(`      … still starting Postgres (${elapsed()})`), 3_000);
  try {
    emulator = await startEmulator({ operationLatencyMs: 400, wakeUpMs: 800 });
  } finally {
    clearInterval(ticker);
  }
  host = emulator.host;
  auth = emulator.token;
  console.log(`Lakebase emulator on ${host} (${emulator.engine} Postgres), started in ${elapsed()}\n`);
}
if (!emulator) console.log(`Using the workspace at ${host}\n`);

const client = createLakebaseClient({ host, auth, userAgent: "lakebase-demo/0.1" });
// Verified TLS as in production: real hosts against the system store, the emulator against its own CA.
const ssl = emulator ? { rejectUnauthorized: true, ca: emulator.caCertificate } : undefined;
const projectId = `demo-${Math.random().toString(36).slice(2, 8)}`;
const project = `projects/${projectId}`;
const pools = [];

try {
  const creating = client.projects.create(projectId, { spec: { display_name: "Lakebase SDK demo", pg_version: 17 } });
  step(1, `CreateProject ${projectId}: operation ${(await creating.submitted()).name}`);
  const created = await creating.wait({
    pollIntervalMs: 200,
    onProgress: (p) => console.log(`      … ${p.done ? "done" : "running"} (${p.polls} polls, ${(p.elapsedMs / 1000).toFixed(1)} s)`),
  });
  step(2, `Project ready: owner ${created.status.owner}, default branch ${created.status.default_branch}`);

  const production = await client.branches.get(created.status.default_branch);
  step(3, `Production branch ${production.name} is ${production.status.current_state}`);

  const productionPool = await createPool({ client, endpoint: `${production.name}/endpoints/primary`, env: {}, ssl });
  pools.push(productionPool);
  await productionPool.query("create table if not exists orders (id int primary key, item text)");
  await productionPool.query("insert into orders values (1, 'coffee') on conflict do nothing");
  step(4, `On production (${productionPool.lakebase.host}:${productionPool.lakebase.port}, ${productionPool.lakebase.ssl ? "verified TLS" : "no TLS"}): created table orders with 1 order`);

  const feature = await client.branches.create(project, "feature-x", { spec: { source_branch: production.name, no_expiry: true } });
  step(5, `Forked ${feature.name} from ${feature.status.source_branch}: it starts with production's data`);

  await client.endpoints.create(feature.name, "reader", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY" } });
  let pageNo = 0;
  for await (const page of client.endpoints.list(feature.name, { page_size: 1 }).pages()) {
    pageNo += 1;
    step(6, `Endpoints of feature-x, page ${pageNo}: ${page.items.map((e) => `${e.endpoint_id} (${e.status.endpoint_type.replace("ENDPOINT_TYPE_", "")})`).join(", ")}${page.nextPageToken ? " → more" : ""}`);
  }

  const primary = `${feature.name}/endpoints/primary`;
  const patch = { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", suspend_timeout_duration: "900s", autoscaling_limit_max_cu: 2 } };
  step(7, `UpdateEndpoint feature-x/primary with the computed mask ${fieldMask.fromPatch("endpoint", patch).join(",")}`);
  const updated = await client.endpoints.update(primary, patch);
  console.log(`      suspend_timeout_duration=${updated.status.suspend_timeout_duration}, max CU=${updated.status.autoscaling_limit_max_cu}`);

  const credential = await client.credentials.generate({ endpoint: primary, ttl: "900s" });
  step(8, `Database credential for feature-x/primary, expires ${credential.expire_time} (token not shown)`);

  const featurePool = await createPool({ client, endpoint: primary, env: {}, ssl });
  pools.push(featurePool);
  await featurePool.query("insert into orders values (2, 'tea'), (3, 'cake')");
  const onFeature = (await featurePool.query("select count(*)::int as n from orders")).rows[0].n;
  const onProduction = (await productionPool.query("select count(*)::int as n from orders")).rows[0].n;
  step(9, `On feature-x (${featurePool.lakebase.host}:${featurePool.lakebase.port} as ${featurePool.lakebase.user}): wrote 2 orders, it holds ${onFeature}; production still holds ${onProduction}`);
  if (onFeature !== 3 || onProduction !== 1) throw new Error("branch isolation failed");
  if (pageNo !== 2) throw new Error(`expected 2 endpoint pages of 1 (primary and reader), got ${pageNo}`);
  if (updated.status.suspend_timeout_duration !== "900s" || updated.status.autoscaling_limit_max_cu !== 2) throw new Error("the endpoint update was not applied");
  if (typeof credential.token !== "string" || credential.token === "") throw new Error("no database credential");
} finally {
  for (const pool of pools) await pool.end().catch(() => undefined);
  await client.projects.delete(project, { purge: true }).catch(() => undefined);
  step(10, `Cleaned up ${project}`);
  await emulator?.stop();
}
console.log(`\ndemo: ok in ${elapsed()}`);
