import { oauthM2MCredentials } from "../../src/auth/index.js";
import { describe, expect, it } from "vitest";
import * as sdk from "../../src/index.js";
import { SLACK_MS, WAIT_SLACK_MS } from "./config.js";
import { startFaultServer } from "./fault-server.js";
import { API, OPERATION, PROJECT, TOKEN_PATH, healthyApi } from "./fixtures.js";
import { getGc } from "./gc.js";

/** The promises behind the matrix that need more than one call to observe. */

const settleTime = async (work: Promise<unknown>) => {
  const started = performance.now();
  const outcome = await work.then((value) => ({ value }), (error: unknown) => ({ error }));
  return { ...outcome, ms: performance.now() - started };
};

describe("fault contracts", () => {
  it("NetworkError is exported and is a LakebaseError", () => {
    const NetworkError = (sdk as Record<string, unknown>).NetworkError as (new (...args: never[]) => unknown) | undefined;
    expect(typeof NetworkError).toBe("function");
    expect(NetworkError!.prototype).toBeInstanceOf(sdk.LakebaseError);
  });

  it("a token refresh stalled past its own deadline (gc() during the stall) fails typed; after recovery the next call gets a fresh token", async () => {
    const healthy = healthyApi();
    let stallTokens = true;
    const bearers: string[] = [];
    const server = await startFaultServer((req, res) => {
      if (req.path === TOKEN_PATH && stallTokens) {
        // Headers, then nothing: only the provider's own timer can end this refresh.
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": 4_096 });
        res.write('{"access_token":');
        const gc = getGc();
        for (const ms of [50, 150, 300]) setTimeout(gc, ms).unref();
        return;
      }
      if (req.path !== TOKEN_PATH) bearers.push(String(req.headers.authorization ?? ""));
      healthy(req, res);
    });
    try {
      const auth = oauthM2MCredentials({
        host: server.url,
        clientId: "sp-id",
        clientSecret: "sp-secret",
        tokenEndpoint: `${server.url}${TOKEN_PATH}`,
        timeoutMs: 400,
        retry: false,
      });
      const client = sdk.createLakebaseClient({ host: server.url, auth, timeoutMs: 300, retry: false });

      const first = await settleTime(client.projects.get(PROJECT));
      expect("error" in first && sdk.isLakebaseError(first.error)).toBe(true);
      expect(first.ms).toBeLessThan(400 + SLACK_MS);

      stallTokens = false;
      // Past the stalled refresh's own deadline: nothing may still be waiting on it.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const second = await settleTime(client.projects.get(PROJECT));
      expect("value" in second ? second.value : second.error).toMatchObject({ name: PROJECT });
      expect(bearers).toEqual(["Bearer oauth-token-1"]);
      expect(server.count("POST", TOKEN_PATH)).toBe(2);
    } finally {
      await server.stop();
    }
  });

  it("wait({ timeoutMs }) ends a poll already in flight, well inside the transport's own retry budget", async () => {
    const healthy = healthyApi();
    const server = await startFaultServer((req, res) => {
      // Polls never get headers; the create is answered normally.
      if (req.method === "GET" && req.path === `${API}/${OPERATION}`) return;
      healthy(req, res);
    });
    try {
      const client = sdk.createLakebaseClient({ host: server.url, auth: "t", timeoutMs: 5_000, retry: { baseDelayMs: 5, maxDelayMs: 20, budgetMs: 10_000 } });
      const handle = client.branches.create(PROJECT, "dev", { spec: { no_expiry: true } });
      await handle.submitted();
      const waited = await settleTime(handle.wait({ timeoutMs: 400, pollIntervalMs: 20 }));
      expect("error" in waited && sdk.isLakebaseError(waited.error)).toBe(true);
      expect((waited as { error?: { operationName?: unknown } }).error?.operationName).toBe(OPERATION);
      expect(waited.ms).toBeLessThan(400 + WAIT_SLACK_MS);
      const polls = server.count("GET", `${API}/${OPERATION}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(server.count("GET", `${API}/${OPERATION}`)).toBe(polls); // the abandoned poll is not retried behind the caller's back
    } finally {
      await server.stop();
    }
  });
});
