// Gives an example a client and a read-write endpoint: a fresh project on the embedded emulator,
// or, with DATABRICKS_HOST + DATABRICKS_TOKEN + LAKEBASE_ENDPOINT set, a real workspace.
import { createLakebaseClient } from "lakebase-sdk";

export async function withLakebase(run) {
  if (process.env.DATABRICKS_HOST && process.env.LAKEBASE_ENDPOINT) {
    const client = createLakebaseClient({ host: process.env.DATABRICKS_HOST, auth: process.env.DATABRICKS_TOKEN });
    return run({ client, endpoint: process.env.LAKEBASE_ENDPOINT });
  }
  const { startEmulator } = await import("lakebase-sdk/emulator");
  const emulator = await startEmulator({ operationLatencyMs: 50 });
  try {
    const client = createLakebaseClient({ host: emulator.host, auth: emulator.token });
    await client.projects.create("example", { spec: {} });
    await run({ client, endpoint: "projects/example/branches/production/endpoints/primary" });
  } finally {
    await emulator.stop();
  }
}
