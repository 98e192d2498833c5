// The runtime-matrix scenario: plain ESM, no node: imports, no runtime globals beyond the web
// platform (fetch, URL, setTimeout). Node, Bun, Deno and workerd all import this same file and
// run it against the stand-in that test/runtimes/run.mjs serves on 127.0.0.1.
import { createLakebaseClient, NotFoundError, ValidationError } from "../../dist/index.js";

export const OPERATION = "projects/p/branches/dev/operations/ab+c/d=";

/** Runs every check; never throws. Returns `{ ok, checks: { name: "ok" | "FAIL: …" }, ms }`. */
export async function runScenario(host) {
  const started = Date.now();
  const client = createLakebaseClient({ host, auth: "t", retry: false });
  const checks = {};
  const check = async (name, fn) => {
    try {
      const problem = await fn();
      checks[name] = problem ? `FAIL: ${problem}` : "ok";
    } catch (error) {
      checks[name] = `FAIL: threw ${describe(error)}`;
    }
  };

  await check("paginate", async () => {
    const names = [];
    for await (const branch of client.branches.list("projects/p", { page_size: 1 })) names.push(branch.name);
    const want = ["projects/p/branches/main", "projects/p/branches/dev0"];
    if (JSON.stringify(names) !== JSON.stringify(want)) return `got ${JSON.stringify(names)}`;
  });

  await check("lro", async () => {
    const handle = client.branches.create("projects/p", "dev", { spec: {} });
    const branch = await handle.wait({ pollIntervalMs: 10 });
    if (branch?.name !== "projects/p/branches/dev") return `got ${JSON.stringify(branch)}`;
    if (handle.name !== OPERATION) return `handle.name ${JSON.stringify(handle.name)}`;
  });

  await check("notFound", async () => {
    const error = await client.projects.get("projects/missing").then(() => undefined, (e) => e);
    if (!(error instanceof NotFoundError)) return `got ${describe(error)}`;
    if (error.status !== 404 || error.errorCode !== "NOT_FOUND") return `status ${error.status} errorCode ${error.errorCode}`;
  });

  await check("validation", async () => {
    let error;
    try {
      await client.branches.get("bad");
    } catch (e) {
      error = e;
    }
    if (!(error instanceof ValidationError)) return `got ${describe(error)}`;
  });

  const ok = Object.values(checks).every((v) => v === "ok");
  return { ok, checks, ms: Date.now() - started };
}

function describe(error) {
  if (error === undefined) return "no error";
  if (error instanceof Error) return `${error.constructor?.name ?? "Error"}: ${error.message}`;
  return JSON.stringify(error);
}
