// Issue 14, without a browser: the dashboard's routes take the API's token (401 without), answer
// only a loopback Host, keep every secret out of their JSON, apply the fault knobs, and are gone
// with `ui: false` / `--no-ui`; the CLI prints the dashboard's URL.
import { spawn } from "node:child_process";
import { request } from "node:http";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient } from "../../../src/index.js";
import { parseCliArgs, usage } from "../../../src/emulator/cli-args.js";
import { startEmulator, type Emulator } from "../../../src/emulator/index.js";
import { pgliteAvailability } from "../../../src/emulator/postgres/index.js";
import { detectSystemPostgres } from "../../../src/emulator/postgres/system.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const engine = !("error" in (await detectSystemPostgres())) ? "system" : "ok" in pgliteAvailability() ? "pglite" : undefined;
const FAST = { pollIntervalMs: 20 };
const P = "projects/dash";
const PROD = `${P}/branches/production`;

async function get(emulator: Emulator, path: string, token?: string) {
  return fetch(`${emulator.host}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
}

async function knob(emulator: Emulator, body: unknown, token = emulator.token) {
  const response = await fetch(`${emulator.host}/emulator/ui/faults`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Every key of a JSON value, at any depth. */
function keysOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) keysOf(item, out);
  else if (value && typeof value === "object") for (const [key, inner] of Object.entries(value)) out.push(key), keysOf(inner, out);
  return out;
}

/** A GET with a chosen Host header (fetch does not let one set it). */
function getWithHost(emulator: Emulator, path: string, host: string): Promise<number> {
  const url = new URL(path, emulator.host);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: { Host: host, Authorization: `Bearer ${emulator.token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("dashboard routes: auth, loopback, no secrets, knobs", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ engine: engine ?? "auto", operationLatencyMs: 20, autoSuspend: false, faults: { retryAfterSeconds: 0 } });
  });
  afterAll(() => emulator?.stop());

  it("serves the page without a token, with a strict CSP and nothing secret; its data routes answer 401 without the token", async () => {
    expect(emulator.dashboardUrl).toBe(`${emulator.host}/`);
    const page = await get(emulator, "/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script src="/emulator/ui/app.js">');
    expect(html).not.toContain(emulator.token);
    expect(html).not.toMatch(/https?:\/\//); // nothing fetched from elsewhere (no CDN)
    const script = await (await get(emulator, "/emulator/ui/app.js")).text();
    expect(script).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    // small: page, script and style together
    expect(html.length + script.length + (await (await get(emulator, "/emulator/ui/app.css")).text()).length).toBeLessThan(40_000);

    // As the API answers: 401 without a token, its own status for a wrong one
    const wrongTokenStatus = (await get(emulator, "/api/2.0/postgres/projects", "dapi-wrong")).status;
    expect(wrongTokenStatus).toBeGreaterThanOrEqual(401);
    for (const path of ["/emulator/ui/state", "/emulator/ui/events"]) {
      expect((await get(emulator, path)).status, path).toBe(401);
      expect((await get(emulator, path, "dapi-wrong")).status, path).toBe(wrongTokenStatus);
    }
    expect((await fetch(`${emulator.host}/emulator/ui/faults`, { method: "POST", body: "{}" })).status).toBe(401);
    expect((await knob(emulator, { action: "reset-faults" }, "dapi-wrong")).status).toBe(wrongTokenStatus);
    // the token goes in the header only: a query string is not read
    expect((await get(emulator, `/emulator/ui/state?token=${emulator.token}`)).status).toBe(401);
    expect((await get(emulator, "/emulator/ui/state", emulator.token)).status).toBe(200);
  });

  it("answers only a loopback Host (a DNS-rebound name gets 403)", async () => {
    const port = new URL(emulator.host).port;
    expect(await getWithHost(emulator, "/emulator/ui/state", `127.0.0.1:${port}`)).toBe(200);
    expect(await getWithHost(emulator, "/emulator/ui/state", `localhost:${port}`)).toBe(200);
    expect(await getWithHost(emulator, "/emulator/ui/state", `attacker.example:${port}`)).toBe(403);
    expect(await getWithHost(emulator, "/", `attacker.example:${port}`)).toBe(403);
  });

  it.skipIf(!engine)("the snapshot and the event stream show projects, endpoints, credentials and requests without any secret", async () => {
    const client = createLakebaseClient({ host: emulator.host, auth: emulator.token, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
    await client.projects.create("dash", { spec: { display_name: "Dashboard" } }).wait(FAST);
    await client.branches.create(P, "dev", { spec: { source_branch: PROD, ttl: "3600s" } }).wait(FAST);
    const credential = await client.credentials.generate({ endpoint: `${PROD}/endpoints/primary`, ttl: "600s" });
    const { clientId, clientSecret } = emulator.servicePrincipal;
    const oauth = (await (
      await fetch(`${emulator.host}/oidc/v1/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }) })
    ).json()) as { access_token: string };
    // the service principal's token works on the dashboard too (the API's auth)
    const response = await get(emulator, "/emulator/ui/state", oauth.access_token);
    expect(response.status).toBe(200);
    const text = await response.text();
    const snapshot = JSON.parse(text);

    for (const secret of [emulator.token, credential.token!, clientSecret, oauth.access_token]) expect(text).not.toContain(secret);
    expect(keysOf(snapshot).filter((key) => /token|password|secret/i.test(key))).toEqual([]);

    const project = snapshot.projects.find((p: { name: string }) => p.name === P);
    expect(project.branches.map((b: { name: string; source?: string; isDefault: boolean }) => [b.name, b.source ?? null, b.isDefault])).toEqual([
      [PROD, null, true],
      [`${P}/branches/dev`, PROD, false],
    ]);
    const dev = project.branches[1];
    expect(dev.forkLsn).toMatch(/^0\//);
    expect(dev.expireTime).toEqual(expect.any(String));
    expect(snapshot.endpoints.find((e: { name: string }) => e.name === `${PROD}/endpoints/primary`)).toMatchObject({ state: "ACTIVE", openConnections: 0, minCu: expect.anything() });
    expect(snapshot.credentials).toEqual([{ subject: emulator.userName, subjectKind: "user", endpoint: `${PROD}/endpoints/primary`, expiresAt: expect.any(Number) }]);
    expect(snapshot.operations.map((o: { method: string; state: string }) => [o.method, o.state])).toEqual([
      ["CreateProject", "done"],
      ["CreateBranch", "done"],
    ]);
    expect(snapshot.requests[0]).toEqual({ method: "POST", path: "/oidc/v1/token", status: 200, durationMs: expect.any(Number), at: expect.any(Number) });
    expect(snapshot.requests.every((r: { path: string }) => !r.path.includes("?") && !r.path.startsWith("/emulator/ui/"))).toBe(true);

    // The event stream: the same snapshot as a `snapshot` event.
    const controller = new AbortController();
    const events = await fetch(`${emulator.host}/emulator/ui/events`, { headers: { Authorization: `Bearer ${emulator.token}` }, signal: controller.signal });
    expect(events.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = events.body!.getReader();
    let buffered = "";
    while (!buffered.includes("\n\n", buffered.indexOf("event: snapshot"))) buffered += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const data = /event: snapshot\ndata: (.*)\n\n/.exec(buffered)![1]!;
    for (const secret of [emulator.token, credential.token!, clientSecret]) expect(data).not.toContain(secret);
    expect(JSON.parse(data).projects[0].name).toBe(P);
  });

  it("fault knobs: the next N calls answer 503 or 429, latency, fail the next operation, reset; bad values are refused", async () => {
    expect((await knob(emulator, { action: "fail-next-requests", status: 503, count: 2 })).body).toMatchObject({ done: "the next 2 API requests answer 503", faults: { next503: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(emulator, "/api/2.0/postgres/projects", emulator.token)).status);
    expect(statuses).toEqual([503, 503, 200]);
    await knob(emulator, { action: "fail-next-requests", status: 429, count: 1 });
    expect((await get(emulator, "/api/2.0/postgres/projects", emulator.token)).status).toBe(429);
    const snapshot = await (await get(emulator, "/emulator/ui/state", emulator.token)).json();
    expect(snapshot.requests.slice(0, 4).map((r: { status: number }) => r.status)).toEqual([429, 200, 503, 503]);

    expect((await knob(emulator, { action: "set-latency", ms: 150 })).status).toBe(200);
    const started = performance.now();
    await get(emulator, "/api/2.0/postgres/projects", emulator.token);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect((await knob(emulator, { action: "fail-next-operation" })).body.faults.failNextOperations).toBe(1);
    expect((await knob(emulator, { action: "reset-faults" })).body.faults).toMatchObject({ latencyMs: 0, next503: 0, next429: 0, failNextOperations: 0 });

    for (const bad of [{ action: "set-latency", ms: -1 }, { action: "set-latency", ms: "5" }, { action: "fail-next-requests", status: 500, count: 1 }, { action: "explode" }, [1]]) {
      expect((await knob(emulator, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await knob(emulator, { action: "suspend-endpoint", endpoint: "projects/none/branches/b/endpoints/e" })).status).toBe(404);
  });

  it.skipIf(!engine)("fail the next operation: the operation shows failed with its error", async () => {
    const client = createLakebaseClient({ host: emulator.host, auth: emulator.token, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
    await knob(emulator, { action: "fail-next-operation" });
    await expect(client.branches.create(P, "doomed", { spec: { source_branch: PROD, no_expiry: true } }).wait(FAST)).rejects.toThrow(/fault injection/);
    const snapshot = await (await get(emulator, "/emulator/ui/state", emulator.token)).json();
    expect(snapshot.operations.at(-1)).toMatchObject({ method: "CreateBranch", target: `${P}/branches/doomed`, state: "failed", error: { code: "INTERNAL_ERROR" } });
    expect(snapshot.faults.failNextOperations).toBe(0);
  });
});

describe("ui: false and --no-ui", () => {
  it("startEmulator({ ui: false }) serves nothing at / (404 with the token) and has no dashboardUrl", async () => {
    const emulator = await startEmulator({ ui: false, engine: engine ?? "auto", autoSuspend: false });
    try {
      expect(emulator.dashboardUrl).toBeUndefined();
      expect((await get(emulator, "/", emulator.token)).status).toBe(404);
      expect((await get(emulator, "/emulator/ui/state", emulator.token)).status).toBe(404);
      expect((await get(emulator, "/")).status).toBe(401);
    } finally {
      await emulator.stop();
    }
  });

  it("--no-ui parses and is in --help", () => {
    expect(parseCliArgs(["--no-ui"]).noUi).toBe(true);
    expect(parseCliArgs([]).noUi).toBe(false);
    expect(usage()).toContain("--no-ui");
  });

  it("the CLI prints the dashboard URL with the token in the fragment; with --no-ui it prints none and / is off", async () => {
    const outDir = join(root, "node_modules/.cache/lakebase-emulator-ui-test");
    mkdirSync(outDir, { recursive: true });
    const cli = join(outDir, "cli.mjs");
    await build({ entryPoints: [join(root, "src/emulator/cli.ts")], bundle: true, platform: "node", format: "esm", packages: "external", outfile: cli, logLevel: "error" });
    const run = async (args: string[]) => {
      const child = spawn(process.execPath, [cli, "--engine", engine ?? "auto", ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      try {
        const info = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once("line", resolve))) as { host: string; token: string };
        for (let waited = 0; !stderr.includes("Ctrl-C") && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
        const page = await fetch(`${info.host}/`, { headers: { Authorization: `Bearer ${info.token}` } });
        return { info, stderr, pageStatus: page.status };
      } finally {
        child.kill("SIGTERM");
      }
    };
    const withUi = await run([]);
    expect(withUi.stderr).toContain(`Dashboard: ${withUi.info.host}/#token=${withUi.info.token}`);
    expect(withUi.pageStatus).toBe(200);
    const withoutUi = await run(["--no-ui"]);
    expect(withoutUi.stderr).not.toContain("Dashboard:");
    expect(withoutUi.pageStatus).toBe(404);
  });
});
