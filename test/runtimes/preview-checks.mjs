// The serverless example's checks, runtime-neutral (web platform only): `send` delivers a Request
// to the handler — in-process on Node, Bun and Deno (preview-entry.mjs), over HTTP to workerd
// serving it (run.mjs) — and the answers must tell the same story on every runtime.
import { PREVIEW_OPERATION } from "./preview-stand-in.mjs";

/** Runs every check; never throws. Returns `{ ok, checks: { name: "ok" | "FAIL: …" }, ms }`. */
export async function runPreviewChecks(send) {
  const started = Date.now();
  const checks = {};
  let statusUrl;
  let last;
  const call = async (method, path) => {
    const response = await send(new Request(`https://previews.example${path}`, { method }));
    last = { status: response.status, headers: response.headers, body: await response.json() };
    return last;
  };
  const check = async (name, fn) => {
    try {
      const problem = await fn();
      checks[name] = problem ? `FAIL: ${problem}` : "ok";
    } catch (error) {
      checks[name] = `FAIL: threw ${error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error)}`;
    }
  };

  await check("accepted", async () => {
    const r = await call("POST", "/preview?pr=123");
    statusUrl = r.body.status_url;
    if (r.status !== 202 || r.body.operation !== PREVIEW_OPERATION) return `${r.status} ${JSON.stringify(r.body)}`;
    if (r.headers.get("location") !== statusUrl) return `location ${r.headers.get("location")}`;
  });
  await check("pending", async () => {
    const r = await call("GET", statusUrl);
    if (r.status !== 200 || r.body.done !== false || r.body.operation !== PREVIEW_OPERATION) return `${r.status} ${JSON.stringify(r.body)}`;
  });
  await check("resumedDone", async () => {
    const r = await call("GET", statusUrl);
    if (r.status !== 200 || r.body.done !== true || r.body.branch?.name !== "projects/previews/branches/pr-123" || r.body.branch?.state !== "READY") {
      return `${r.status} ${JSON.stringify(r.body)}`;
    }
  });
  await check("badRequest", async () => {
    const r = await call("POST", "/preview?pr=abc");
    if (r.status !== 400) return `${r.status} ${JSON.stringify(r.body)}`;
  });
  await check("tokenCached", async () => {
    // Four invocations, one OAuth token: the client and its token live at module scope.
    const fetches = last?.headers.get("x-token-fetches");
    if (fetches !== "1") return `x-token-fetches ${fetches}`;
  });

  const ok = Object.values(checks).every((v) => v === "ok");
  return { ok, checks, ms: Date.now() - started };
}
