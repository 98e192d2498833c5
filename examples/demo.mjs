// The main job, end to end: create a branch, follow its long-running operation, read it back,
// list branches, and show what a typed error looks like.
// Until the emulator lands (issue 5) this runs against a scripted loopback server.
import { createLakebaseClient, AlreadyExistsError, ValidationError } from "lakebase-sdk";
import { startScriptedServer } from "./support/scripted-server.mjs";

const server = await startScriptedServer();
try {
  console.log(`Lakebase API (scripted stand-in; the emulator arrives with issue 5) at ${server.host}\n`);
  const client = createLakebaseClient({ host: server.host, auth: "demo-token", userAgent: "lakebase-demo/0.1" });

  const op = client.branches.create("projects/demo", "feature-x", { spec: { is_protected: false, no_expiry: true } });
  const { name } = await op.submitted();
  console.log(`1. CreateBranch answered with operation ${name}`);
  const created = await op.wait({
    pollIntervalMs: 100,
    onProgress: (p) => console.log(`2. operation ${p.done ? "done" : "running"} after ${p.polls} polls`),
  });
  console.log(`3. The handle resolves to the Branch: ${created.name} is ${created.status?.current_state}`);

  const branch = await client.branches.get("projects/demo/branches/feature-x");
  console.log(`   GetBranch agrees, forked from ${branch.status?.source_branch}`);

  const all = await client.branches.list("projects/demo").toArray({ limit: 100 });
  console.log(`4. ListBranches (every page): ${all.map((b) => b.name.split("/").pop()).join(", ")}`);

  const again = await client.branches.create("projects/demo", "feature-x", { spec: {} }).submitted().catch((e) => e);
  if (!(again instanceof AlreadyExistsError)) throw new Error("expected AlreadyExistsError");
  console.log(`5. Creating it again: ${again.name} status=${again.status} errorCode=${again.errorCode} requestId=${again.requestId}`);

  const bad = await client.branches.create("projects/demo", "Feature_X", { spec: {} }).submitted().catch((e) => e);
  if (!(bad instanceof ValidationError)) throw new Error("expected ValidationError");
  console.log(`6. A bad id is refused before any request: ${bad.message}`);
  console.log("\ndemo: ok");
} finally {
  await server.close();
}
