import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CredentialUnavailableError, AuthenticationFailedError } from "../../src/auth/index.js";
import { defaultCredentials, externalBrowserCredentials } from "../../src/auth/node.js";

/** A loopback OAuth authorization server that enforces PKCE S256, echoes state, and rotates single-use refresh tokens. */
function startAuthServer() {
  const pending = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  const liveRefresh = new Set<string>();
  const log: Array<Record<string, string>> = [];
  let n = 0;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const json = (status: number, body: unknown) => res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    if (url.pathname === "/oidc/.well-known/oauth-authorization-server") {
      return json(200, { authorization_endpoint: `${base}/oidc/v1/authorize`, token_endpoint: `${base}/oidc/v1/token` });
    }
    if (url.pathname === "/oidc/v1/authorize") {
      const q = Object.fromEntries(url.searchParams);
      log.push({ kind: "authorize", ...q });
      if (q.response_type !== "code" || q.code_challenge_method !== "S256" || !q.code_challenge || !q.state) return json(400, { error: "invalid_request" });
      const code = `code-${randomBytes(8).toString("hex")}`;
      pending.set(code, { challenge: q.code_challenge, redirectUri: q.redirect_uri!, clientId: q.client_id! });
      const to = new URL(q.redirect_uri!);
      to.searchParams.set("code", code);
      to.searchParams.set("state", q.state);
      return res.writeHead(302, { Location: to.toString() }).end();
    }
    if (url.pathname === "/oidc/v1/token" && req.method === "POST") {
      let raw = "";
      for await (const chunk of req) raw += chunk;
      const f = Object.fromEntries(new URLSearchParams(raw));
      log.push({ kind: "token", ...f, contentType: String(req.headers["content-type"]) });
      if (f.grant_type === "authorization_code") {
        const p = pending.get(f.code!);
        pending.delete(f.code!);
        if (!p) return json(400, { error: "invalid_grant", error_description: "unknown code" });
        const expected = createHash("sha256").update(f.code_verifier ?? "").digest("base64url");
        if (expected !== p.challenge) return json(400, { error: "invalid_grant", error_description: "PKCE verification failed" });
        if (f.redirect_uri !== p.redirectUri || f.client_id !== p.clientId) return json(400, { error: "invalid_grant" });
      } else if (f.grant_type === "refresh_token") {
        if (!liveRefresh.delete(f.refresh_token!)) return json(400, { error: "invalid_grant", error_description: "Refresh token is invalid" });
      } else return json(400, { error: "unsupported_grant_type" });
      n += 1;
      const refresh = `rt-${n}`;
      liveRefresh.add(refresh);
      return json(200, { access_token: `at-${n}`, token_type: "Bearer", expires_in: 3600, refresh_token: refresh, scope: "all-apis offline_access" });
    }
    res.writeHead(404).end();
  });
  let base = "";
  return {
    log,
    liveRefresh,
    async start() {
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return base;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A headless "browser": follows the authorization redirect to the loopback callback. */
function headlessBrowser(opened: string[], tamper?: (callback: URL) => void) {
  return async (url: string) => {
    opened.push(url);
    const authorize = await fetch(url, { redirect: "manual" });
    const callback = new URL(authorize.headers.get("location")!);
    tamper?.(callback);
    await (await fetch(callback)).text();
  };
}

const auth = startAuthServer();
let HOST = "";
const dir = mkdtempSync(join(tmpdir(), "lakebase-u2m-"));
beforeAll(async () => {
  HOST = await auth.start();
});
afterAll(async () => {
  await auth.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("external-browser (authorization code + PKCE)", () => {
  it("runs the whole flow: PKCE + state, code exchange, 0600 cache, rotated refresh tokens", async () => {
    const cacheFile = join(dir, "nested", "tokens.json");
    const opened: string[] = [];
    const port = await freePort();
    const p = externalBrowserCredentials({ host: HOST, callbackPort: port, tokenCacheFile: cacheFile, openBrowser: headlessBrowser(opened) });
    expect(p.name).toBe("external-browser");

    const first = await p.getToken();
    expect(first.accessToken).toBe("at-1");

    const authorize = new URL(opened[0]!);
    expect(authorize.origin + authorize.pathname).toBe(`${HOST}/oidc/v1/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "databricks-cli",
      redirect_uri: `http://localhost:${port}`,
      scope: "all-apis offline_access",
      code_challenge_method: "S256",
    });
    expect(authorize.searchParams.get("state")!.length).toBeGreaterThanOrEqual(16);
    const exchange = auth.log.find((e) => e.kind === "token" && e.grant_type === "authorization_code")!;
    expect(exchange).toMatchObject({ client_id: "databricks-cli", redirect_uri: `http://localhost:${port}`, contentType: "application/x-www-form-urlencoded" });
    expect(exchange.code_verifier!.length).toBeGreaterThanOrEqual(43);

    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "nested")).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(cacheFile, "utf8")).token).toMatchObject({ access_token: "at-1", refresh_token: "rt-1", token_type: "Bearer" });

    // A forced refresh redeems rt-1 and saves the rotated rt-2 before handing out the token.
    expect((await p.getToken({ forceRefresh: true })).accessToken).toBe("at-2");
    expect(JSON.parse(readFileSync(cacheFile, "utf8")).token.refresh_token).toBe("rt-2");
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    expect(auth.liveRefresh.has("rt-1")).toBe(false);

    // Another process: reuses the cached access token without a browser, then refreshes with rt-2 (rt-1 is spent).
    const noBrowser = async () => {
      throw new Error("the browser must not open");
    };
    const other = externalBrowserCredentials({ host: HOST, callbackPort: port, tokenCacheFile: cacheFile, openBrowser: noBrowser });
    expect((await other.getToken()).accessToken).toBe("at-2");
    expect((await other.getToken({ forceRefresh: true })).accessToken).toBe("at-3");
    expect(JSON.parse(readFileSync(cacheFile, "utf8")).token.refresh_token).toBe("rt-3");
    // The first instance re-reads the file before refreshing, so it never spends a stale token.
    expect((await p.getToken({ forceRefresh: true })).accessToken).toBe("at-4");
    expect(opened).toHaveLength(1);

    for (const text of [String(p), inspect(p, { depth: 5 }), JSON.stringify(p)]) {
      expect(text).not.toMatch(/at-\d|rt-\d/);
    }
  });

  it("rejects a redirect whose state does not match", async () => {
    const p = externalBrowserCredentials({
      host: HOST,
      callbackPort: await freePort(),
      tokenCacheFile: false,
      openBrowser: headlessBrowser([], (cb) => cb.searchParams.set("state", "forged")),
    });
    const error = await Promise.resolve(p.getToken()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationFailedError);
    expect((error as Error).message).toMatch(/state/);
  });

  it("reports an authorization error (access_denied)", async () => {
    const p = externalBrowserCredentials({
      host: HOST,
      callbackPort: await freePort(),
      tokenCacheFile: false,
      openBrowser: headlessBrowser([], (cb) => {
        cb.searchParams.delete("code");
        cb.searchParams.set("error", "access_denied");
        cb.searchParams.set("error_description", "user said no");
      }),
    });
    await expect(Promise.resolve(p.getToken())).rejects.toThrow(/access_denied: user said no/);
  });

  it("falls back to the next port when the first one is busy", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const taken = (busy.address() as AddressInfo).port;
    try {
      const opened: string[] = [];
      const p = externalBrowserCredentials({ host: HOST, callbackPort: { first: taken, last: taken + 10 }, tokenCacheFile: false, openBrowser: headlessBrowser(opened) });
      await p.getToken();
      const port = Number(new URL(new URL(opened[0]!).searchParams.get("redirect_uri")!).port);
      expect(port).toBeGreaterThan(taken);
      expect(port).toBeLessThanOrEqual(taken + 10);
    } finally {
      await new Promise<void>((r) => busy.close(() => r()));
    }
  });

  it("a refused refresh token falls back to a new browser login", async () => {
    const cacheFile = join(dir, "refused.json");
    const { writeTokenFile } = await import("../../src/auth/node.js");
    await writeTokenFile(cacheFile, { accessToken: "old", expiresAt: Date.now() - 1000, refreshToken: "revoked" });
    const opened: string[] = [];
    const p = externalBrowserCredentials({ host: HOST, callbackPort: await freePort(), tokenCacheFile: cacheFile, openBrowser: headlessBrowser(opened) });
    expect((await p.getToken()).accessToken).toMatch(/^at-\d+$/);
    expect(opened).toHaveLength(1);
  });

  it("non-interactive without a cached login is NOT CONFIGURED", async () => {
    const p = externalBrowserCredentials({ host: HOST, interactive: false, tokenCacheFile: join(dir, "absent.json") });
    await expect(Promise.resolve(p.getToken())).rejects.toBeInstanceOf(CredentialUnavailableError);
  });

  it("is reachable through the default chain with auth_type = external-browser", async () => {
    const opened: string[] = [];
    const auth = defaultCredentials({
      env: { DATABRICKS_HOST: HOST, DATABRICKS_AUTH_TYPE: "external-browser", PATH: "" },
      homeDir: dir,
      callbackPort: await freePort(),
      tokenCacheFile: false,
      openBrowser: headlessBrowser(opened),
    });
    expect((await auth.getToken()).accessToken).toMatch(/^at-\d+$/);
    expect(auth.name).toBe("external-browser");
    expect(opened).toHaveLength(1);
  });
});
