// Issue 14, in a real browser: Debian's Chromium driven by playwright-core drives the emulator's
// dashboard while the SDK works against the same emulator — the branch tree redraws as the SDK
// forks; an endpoint suspended from the page is woken by the SDK's pool; a 503 injected from the
// page shows in the request list next to the SDK's successful retry. Once per engine this machine
// has (system PostgreSQL, PGlite). Screenshots go to test-artifacts/dashboard/ (gitignored).
// Skipped, with a message saying so, only when no Chromium executable can be found.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, type LakebaseClient } from "../../../src/index.js";
import { startEmulator, type Emulator } from "../../../src/emulator/index.js";
import { pgliteAvailability, type EngineKind } from "../../../src/emulator/postgres/index.js";
import { detectSystemPostgres } from "../../../src/emulator/postgres/system.js";
import { createPool } from "../../../src/postgres/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const ARTIFACTS = join(root, "test-artifacts/dashboard");
// CHROMIUM_PATH, when set, is the only one looked at (so a run can also check the skip).
const CANDIDATES = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome-stable", "/usr/bin/google-chrome"];
const chromiumPath = CANDIDATES.find((path) => existsSync(path));
if (!chromiumPath) {
  console.warn(`[dashboard browser tests] SKIPPED: no Chromium found (looked for ${CANDIDATES.join(", ")}). Install Debian's chromium (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH.`);
}
const available: Record<EngineKind, boolean> = {
  system: !("error" in (await detectSystemPostgres())),
  pglite: "ok" in pgliteAvailability(),
};
const FAST = { pollIntervalMs: 20 };
const P = "projects/shop";
const PROD = `${P}/branches/production`;
const DEV = `${P}/branches/dev`;
const PRIMARY = `${PROD}/endpoints/primary`;

let browser: Browser | undefined;
beforeAll(async () => {
  if (!chromiumPath) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  // Without the background-networking flags Chromium dials out at start, which a closed network refuses.
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 30_000);
afterAll(() => browser?.close());

/**
 * Waits until `predicate(arg)`, run in the page, holds; fails naming `what` after 10 s. A function,
 * not a string: the page's Content-Security-Policy forbids evaluating strings, and the tests keep it on.
 */
async function until<A>(page: Page, what: string, predicate: (arg: A) => unknown, arg?: A): Promise<void> {
  try {
    await page.waitForFunction(predicate as never, arg, { timeout: 10_000, polling: 50 });
  } catch (error) {
    throw new Error(`the page never showed ${what}: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** Waits until the endpoint's row shows this state and this many open connections. */
function endpointShows(page: Page, endpoint: string, expected: { state?: string; connections?: string }): Promise<void> {
  return until(
    page,
    `${endpoint} with ${JSON.stringify(expected)}`,
    ({ endpoint, expected }) => {
      const cell = (selector: string) => document.querySelector(`[data-endpoint="${endpoint}"] ${selector}`)?.textContent;
      return (expected.state === undefined || cell(".state") === expected.state) && (expected.connections === undefined || cell(".connections") === expected.connections);
    },
    { endpoint, expected },
  );
}

/** Waits until the element `selector` has a text that includes `part`. */
function textShows(page: Page, selector: string, part: string): Promise<void> {
  return until(page, `"${part}" in ${selector}`, ({ selector, part }) => (document.querySelector(selector)?.textContent ?? "").includes(part), { selector, part });
}

describe.each(["system", "pglite"] as const)("the dashboard in Chromium, %s engine", (engine) => {
  const skip = !chromiumPath || !available[engine];
  let emulator: Emulator;
  let client: LakebaseClient;
  let page: Page;
  const requestUrls: string[] = [];

  beforeAll(async () => {
    if (skip) return;
    emulator = await startEmulator({ engine, operationLatencyMs: 20, wakeUpMs: 300, faults: { retryAfterSeconds: 0 } });
    client = createLakebaseClient({ host: emulator.host, auth: emulator.token, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
    page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("request", (request) => requestUrls.push(request.url()));
  }, 30_000);
  afterAll(async () => {
    await page?.close();
    await emulator?.stop();
  });

  it.skipIf(skip)("opens signed in from #token=, drops the fragment, and redraws the branch tree as the SDK forks", async () => {
    await page.goto(`${emulator.dashboardUrl}#token=${emulator.token}`);
    await until(page, "the live stream", () => document.querySelector("#live.on") !== null);
    expect(page.url()).toBe(emulator.dashboardUrl);
    expect(await page.locator("#projects").textContent()).toContain("No project yet");

    const pgVersion = emulator.engines.find((e) => e.engine === engine)!.pgMajor;
    await client.projects
      .create("shop", { spec: { display_name: "Shop", pg_version: pgVersion, default_endpoint_settings: { suspend_timeout_duration: "300s", autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 2 } } })
      .wait(FAST);
    await until(page, "the project's default branch", (name) => document.querySelector(`[data-branch="${name}"].default`) !== null, PROD);

    await client.branches.create(P, "dev", { spec: { source_branch: PROD, ttl: "86400s" } }).wait(FAST);
    await client.branches.create(P, "staging", { spec: { source_branch: PROD, no_expiry: true, is_protected: true } }).wait(FAST);
    await client.branches.create(P, "feature-checkout", { spec: { source_branch: DEV, ttl: "3600s" } }).wait(FAST);
    await until(page, "the forked branches and their edges", (edge) => document.querySelectorAll("svg.tree .node").length === 4 && document.querySelector(`[data-edge="${edge}"]`) !== null, `${DEV} -> ${P}/branches/feature-checkout`);
    expect(await page.locator(`[data-branch="${P}/branches/staging"]`).getAttribute("class")).toContain("protected");
    expect(await page.locator(`[data-branch="${DEV}"]`).getAttribute("class")).toContain("expiring");
    expect(await page.locator("svg.tree .fork").allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^LSN 0\//), expect.stringMatching(/^forked \d/)]));

    // Clicking a branch shows its status JSON and its endpoints.
    await page.locator(`[data-branch="${DEV}"]`).click();
    await until(page, "the branch's JSON", (source) => document.querySelector("#branch-json")?.textContent?.includes(`"source_branch": "${source}"`), PROD);
    expect(await page.locator("#branch-detail").textContent()).toContain("primary (ACTIVE");

    await page.locator("#projects").screenshot({ path: join(ARTIFACTS, `${engine}-branch-tree.png`) });
  }, 90_000);

  it.skipIf(skip)("an endpoint suspended from the page is woken by the SDK's pool", async () => {
    const pool = await createPool({ client, endpoint: PRIMARY, env: {}, ssl: { rejectUnauthorized: true, ca: emulator.caCertificate }, wakeUp: { initialDelayMs: 50 }, onConnectionError: () => {} });
    try {
      expect((await pool.query("select 1 as n")).rows).toEqual([{ n: 1 }]);
      await endpointShows(page, PRIMARY, { state: "ACTIVE", connections: "1" });
      // A countdown to scale to zero only while no connection is open.
      expect(await page.locator(`[data-endpoint="${PRIMARY}"] [data-deadline]`).count()).toBe(0);

      await page.locator(`[data-endpoint="${PRIMARY}"] button.suspend`).click();
      await endpointShows(page, PRIMARY, { state: "IDLE", connections: "0" });
      await until(page, "the suspension in the endpoint's dot", (branch) => document.querySelector(`[data-branch="${branch}"] circle.IDLE`) !== null, PROD);

      // The pool's connection was closed by the suspension; its next query waits out the wake-up.
      expect((await pool.query("select 2 as n")).rows).toEqual([{ n: 2 }]);
      await endpointShows(page, PRIMARY, { state: "ACTIVE", connections: "1" });
      // The credential the pool minted is listed by subject and endpoint, never by its token.
      expect(await page.locator("#credentials").textContent()).toContain(emulator.userName);
    } finally {
      await pool.end();
    }
    await until(page, "the countdown to scale to zero", (endpoint) => /^\d+m \d+s$/.test(document.querySelector(`[data-endpoint="${endpoint}"] [data-deadline]`)?.textContent ?? ""), PRIMARY);
  }, 45_000);

  it.skipIf(skip)("a 503 injected from the page shows in the request list, followed by the SDK's successful retry", async () => {
    await page.locator("#knob-fail-requests select").selectOption("503");
    await page.locator("#knob-fail-requests input").fill("1");
    await page.locator("#knob-fail-requests button").click();
    await textShows(page, "#knob-result", "answer 503");
    await textShows(page, "#fault-status", "next 1 calls answer 503");

    const project = await client.projects.get(P);
    expect(project.name).toBe(P);
    const path = `/api/2.0/postgres/${P}`;
    await until(
      page,
      "the 503 and the retry's 200",
      (path) => {
        const statuses = [...document.querySelectorAll<HTMLElement>(`#requests tr[data-path="${path}"]`)].map((row) => row.dataset.status);
        return statuses[0] === "200" && statuses[1] === "503";
      },
      path,
    );
    await textShows(page, "#fault-status", "No fault active.");

    // A failed operation from the knob: red on the timeline, with its error.
    await page.locator("#knob-fail-operation").click();
    await textShows(page, "#fault-status", "the next operation fails");
    await expect(client.branches.create(P, "doomed", { spec: { source_branch: PROD, no_expiry: true } }).wait(FAST)).rejects.toThrow(/fault injection/);
    await textShows(page, '.op[data-state="failed"] .err', "fault injection");
    // A failed create leaves no branch behind (the emulator's rollback): the tree stays as it was.
    await expect(client.branches.get(`${P}/branches/doomed`)).rejects.toThrow(/not found/);
    await until(page, "the tree without the failed branch", () => document.querySelectorAll("svg.tree .node").length === 4);

    await page.screenshot({ path: join(ARTIFACTS, `${engine}-dashboard.png`), fullPage: true });
    // The first screen, branch unselected: what the README shows (docs/images/dashboard.png).
    await page.locator(`[data-branch="${DEV}"]`).click();
    await until(page, "no branch selected", () => document.querySelector("#branch-json") === null);
    await page.screenshot({ path: join(ARTIFACTS, `${engine}-overview.png`) });

    // Nothing the page holds or asked for carries a secret in clear.
    const html = await page.content();
    expect(html).not.toContain(emulator.token);
    expect(html).not.toContain(emulator.servicePrincipal.clientSecret);
    expect(requestUrls.length).toBeGreaterThan(3);
    for (const url of requestUrls) expect(url).not.toContain(emulator.token);
    expect(await page.evaluate(() => location.hash)).toBe("");
  }, 45_000);
});
