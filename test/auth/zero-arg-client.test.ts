/**
 * `createLakebaseClient()` with no arguments (docs/auth.md#zero-argument-client): under Node (the
 * `node` export condition, src/index.node.ts) the default chain and the host it names; elsewhere
 * (src/index.ts) `DATABRICKS_HOST` + `DATABRICKS_TOKEN`. Both pass `DATABRICKS_WORKSPACE_ID` on
 * and follow the knobs. A local HTTP server stands in for the workspace.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { AuthConfigError as AuthConfigErrorFromRoot, createLakebaseClient as createForEdge } from "../../src/index.js";
import { createLakebaseClient as createForNode } from "../../src/index.node.js";
import { AuthConfigError, staticToken, withExtraHeaders } from "../../src/auth/index.js";

const dir = mkdtempSync(join(tmpdir(), "lakebase-zero-arg-"));
const seen: Array<{ path: string; headers: IncomingHttpHeaders; at: number }> = [];
let delayMs = 0;
let server: Server;
let HOST = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? "", headers: req.headers, at: Date.now() });
    if (req.url?.startsWith("/.well-known/")) return void res.writeHead(404).end();
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name: "projects/p" })), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  HOST = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const KEYS = ["DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_WORKSPACE_ID", "DATABRICKS_CONFIG_FILE", "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_DEBUG_HEADERS", "DATABRICKS_RATE_LIMIT", "DATABRICKS_HTTP_TIMEOUT_SECONDS", "DATABRICKS_RETRY_TIMEOUT_SECONDS", "LAKEBASE_SDK_DEBUG", "PATH", "HOME"];
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
/** The process environment for one test: only `vars` of the Databricks ones, no CLI on PATH, an empty home. */
function useEnv(vars: Record<string, string>) {
  for (const k of KEYS) delete process.env[k];
  Object.assign(process.env, { PATH: "", HOME: dir }, vars);
}
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  seen.length = 0;
  delayMs = 0;
});

const apiCalls = () => seen.filter((s) => s.path.startsWith("/api/"));

describe("createLakebaseClient() under Node: the default chain", () => {
  it("DATABRICKS_HOST + DATABRICKS_TOKEN, and DATABRICKS_WORKSPACE_ID as X-Databricks-Workspace-Id", async () => {
    useEnv({ DATABRICKS_HOST: HOST, DATABRICKS_TOKEN: "dapi-zero-arg-token", DATABRICKS_WORKSPACE_ID: "4242" });
    const client = createForNode();
    expect(client.host).toBe(HOST);
    expect((await client.projects.get("projects/p")).name).toBe("projects/p");
    const [call] = apiCalls();
    expect(call!.headers.authorization).toBe("Bearer dapi-zero-arg-token");
    expect(call!.headers["x-databricks-workspace-id"]).toBe("4242");
  });

  it("the host and token of the ~/.databrickscfg profile, ?o= in its host naming the workspace", async () => {
    const file = join(dir, "databrickscfg");
    writeFileSync(file, `[DEFAULT]\nhost = ${HOST}/?o=777\ntoken = dapi-from-profile\n`);
    useEnv({ DATABRICKS_CONFIG_FILE: file });
    const client = createForNode();
    expect(client.host).toBe(HOST);
    await client.projects.get("projects/p");
    expect(apiCalls()[0]!.headers.authorization).toBe("Bearer dapi-from-profile");
    expect(apiCalls()[0]!.headers["x-databricks-workspace-id"]).toBe("777");
  });

  it("a host given, the credential from the chain; an explicit client is unchanged", async () => {
    useEnv({ DATABRICKS_TOKEN: "dapi-env" });
    await createForNode({ host: HOST }).projects.get("projects/p");
    await createForNode({ host: HOST, auth: "dapi-explicit" }).projects.get("projects/p");
    expect(apiCalls().map((c) => c.headers.authorization)).toEqual(["Bearer dapi-env", "Bearer dapi-explicit"]);
  });

  it("nothing configured: a typed error that names what to set", () => {
    useEnv({});
    expect(() => createForNode()).toThrow(AuthConfigError);
    expect(() => createForNode()).toThrow(AuthConfigErrorFromRoot); // catchable from the entry that threw it
    expect(() => createForNode()).toThrow(/DATABRICKS_HOST/);
  });
});

describe("createLakebaseClient() where there is no Node (the core entry)", () => {
  it("DATABRICKS_HOST + DATABRICKS_TOKEN from globalThis.process.env, and the workspace id", async () => {
    useEnv({ DATABRICKS_HOST: HOST, DATABRICKS_TOKEN: "dapi-edge", DATABRICKS_WORKSPACE_ID: "5" });
    await createForEdge().projects.get("projects/p");
    expect(apiCalls()[0]!.headers.authorization).toBe("Bearer dapi-edge");
    expect(apiCalls()[0]!.headers["x-databricks-workspace-id"]).toBe("5");
  });

  it("no token: a TypeError naming what to set or pass (no profile, no CLI here)", () => {
    useEnv({ DATABRICKS_HOST: HOST });
    expect(() => createForEdge()).toThrow(/DATABRICKS_TOKEN, or pass \{ host, auth \}/);
  });
});

describe("knobs of a client from the environment", () => {
  it("DATABRICKS_DEBUG_HEADERS: one line per exchange, credentials shown as ***", async () => {
    useEnv({ DATABRICKS_HOST: HOST, DATABRICKS_TOKEN: "dapi-debug-secret-token", DATABRICKS_DEBUG_HEADERS: "true" });
    const lines: string[] = [];
    await createForNode({ debug: (line) => lines.push(line) }).projects.get("projects/p");
    const headerLines = lines.filter((l) => l.startsWith("lakebase-sdk headers "));
    expect(headerLines).toHaveLength(1);
    expect(headerLines[0]).toContain('"authorization":"Bearer ***"');
    expect(headerLines[0]).toContain('"status":200');
    expect(lines.join("\n")).not.toContain("dapi-debug-secret-token");
  });

  it("DATABRICKS_RATE_LIMIT spaces requests", async () => {
    useEnv({ DATABRICKS_HOST: HOST, DATABRICKS_TOKEN: "dapi-x", DATABRICKS_RATE_LIMIT: "10" });
    const client = createForEdge();
    await Promise.all([1, 2, 3].map(() => client.projects.get("projects/p")));
    const times = apiCalls().map((c) => c.at).sort((a, b) => a - b);
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(170);
  });

  it("DATABRICKS_HTTP_TIMEOUT_SECONDS bounds an attempt; DATABRICKS_RETRY_TIMEOUT_SECONDS the retries", async () => {
    useEnv({ DATABRICKS_HOST: HOST, DATABRICKS_TOKEN: "dapi-x", DATABRICKS_HTTP_TIMEOUT_SECONDS: "0.05", DATABRICKS_RETRY_TIMEOUT_SECONDS: "0.2" });
    delayMs = 300;
    const started = Date.now();
    await expect(createForNode().projects.get("projects/p")).rejects.toThrow(/timed out|timeout/i);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("secondary headers reach the wire (docs/auth.md#secondary-headers)", () => {
  it("a provider's extra headers go with each request; a header the caller set is kept", async () => {
    useEnv({});
    const auth = withExtraHeaders(staticToken("dapi-main-token"), () => ({ "X-Databricks-GCP-SA-Access-Token": "ya29.secondary", "X-Databricks-Workspace-Id": "from-provider" }));
    await createForEdge({ host: HOST, auth, workspaceId: "from-caller" }).projects.get("projects/p");
    expect(apiCalls()[0]!.headers["x-databricks-gcp-sa-access-token"]).toBe("ya29.secondary");
    expect(apiCalls()[0]!.headers["x-databricks-workspace-id"]).toBe("from-caller");
  });

  it("a management-token header reaches the wire from a client of the environment, *** in the debug line", async () => {
    const auth = withExtraHeaders(staticToken("dapi-x"), async () => ({ "X-Databricks-Azure-SP-Management-Token": "mgmt-token-value" }));
    const lines: string[] = [];
    useEnv({ DATABRICKS_HOST: HOST, DATABRICKS_DEBUG_HEADERS: "true" });
    await createForNode({ auth, debug: (l) => lines.push(l) }).projects.get("projects/p");
    expect(apiCalls()[0]!.headers["x-databricks-azure-sp-management-token"]).toBe("mgmt-token-value");
    const line = lines.find((l) => l.startsWith("lakebase-sdk headers "))!;
    expect(line).toContain('"x-databricks-azure-sp-management-token":"***"');
    expect(line).not.toContain("mgmt-token-value");
  });
});
