import { AuthenticationFailedError } from "../../src/auth/index.js";
/**
 * The browser login (authorization code + PKCE, RFC 7636 S256) checks what protects it: a redirect
 * with a missing or forged `state` is refused and its code is never redeemed; the verifier never
 * appears in the browser URL and matches the challenge; every login uses a new state and verifier.
 */
import { createHash } from "node:crypto";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { externalBrowserCredentials } from "../../src/auth/node.js";
import { httpRecorder, json, type Recorder } from "./servers.js";

let auth: Recorder;
beforeAll(async () => {
  auth = await httpRecorder((req, res) => {
    const url = new URL(req.url ?? "/", auth.origin);
    if (url.pathname === "/oidc/.well-known/oauth-authorization-server") {
      return json(res, 200, { authorization_endpoint: `${auth.origin}/oidc/v1/authorize`, token_endpoint: `${auth.origin}/oidc/v1/token` });
    }
    if (url.pathname === "/oidc/v1/authorize") {
      const to = new URL(url.searchParams.get("redirect_uri")!);
      to.searchParams.set("code", `code-${auth.seen.length}`);
      to.searchParams.set("state", url.searchParams.get("state")!);
      return res.writeHead(302, { Location: to.toString() }).end();
    }
    return json(res, 200, { access_token: "at-1", token_type: "Bearer", expires_in: 3600 });
  });
});
afterAll(() => auth.close());

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Logs in once with a headless browser that may tamper with the callback URL. */
async function login(tamper?: (callback: URL) => void) {
  const opened: string[] = [];
  const provider = externalBrowserCredentials({
    host: auth.origin,
    callbackPort: await freePort(),
    tokenCacheFile: false,
    loginTimeoutMs: 3_000,
    openBrowser: async (url) => {
      opened.push(url);
      const callback = new URL((await fetch(url, { redirect: "manual" })).headers.get("location")!);
      tamper?.(callback);
      await (await fetch(callback)).text();
    },
  });
  const result = await Promise.resolve(provider.getToken()).then((t) => t, (e: unknown) => e);
  return { result, authorize: new URL(opened[0]!) };
}

const exchanges = () => auth.seen.filter((s) => s.url === "/oidc/v1/token").map((s) => Object.fromEntries(new URLSearchParams(s.body)));

describe("PKCE and state", () => {
  it("the verifier stays out of the browser URL and matches the S256 challenge; each login is fresh", async () => {
    const first = await login();
    const second = await login();
    expect(first.result).toMatchObject({ accessToken: "at-1" });
    const [a, b] = exchanges().slice(-2);
    for (const [{ authorize }, exchange] of [[first, a!], [second, b!]] as const) {
      expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
      expect(authorize.toString()).not.toContain(exchange.code_verifier!);
      expect(exchange.code_verifier!.length).toBeGreaterThanOrEqual(43);
      expect(createHash("sha256").update(exchange.code_verifier!).digest("base64url")).toBe(authorize.searchParams.get("code_challenge"));
      expect(authorize.searchParams.get("state")!.length).toBeGreaterThanOrEqual(16);
    }
    expect(first.authorize.searchParams.get("state")).not.toBe(second.authorize.searchParams.get("state"));
    expect(a!.code_verifier).not.toBe(b!.code_verifier);
  });

  it.each([
    ["forged", (cb: URL) => cb.searchParams.set("state", "forged-state-value-0000")],
    ["missing", (cb: URL) => cb.searchParams.delete("state")],
    ["empty", (cb: URL) => cb.searchParams.set("state", "")],
  ])("a %s state is refused and the code is never redeemed", async (_name, tamper) => {
    const before = exchanges().length;
    const { result } = await login(tamper);
    expect(result).toBeInstanceOf(AuthenticationFailedError);
    expect(String(result)).toMatch(/state/);
    expect(exchanges().length).toBe(before);
  });
});
