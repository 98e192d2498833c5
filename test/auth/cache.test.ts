import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AccessToken } from "../../src/index.js";
import { isCachedTokenProvider, oauthM2MCredentials, type TokenRefreshEvent, cachedTokenProvider } from "../../src/auth/index.js";

const MIN = 60_000;

/** A provider that counts calls and hands out token-1, token-2, … each valid for `ttl`. */
function counting(clock: { now: number }, ttl = 60 * MIN) {
  const calls: boolean[] = [];
  let fail = false;
  let gate: Promise<void> | undefined;
  const provider = {
    name: "counting",
    async getToken(opts?: { forceRefresh?: boolean }): Promise<AccessToken> {
      calls.push(Boolean(opts?.forceRefresh));
      const n = calls.length;
      if (gate) await gate;
      if (fail) throw new Error("refresh failed");
      return { accessToken: `token-${n}`, expiresAt: clock.now + ttl };
    },
  };
  return {
    provider,
    calls,
    setFail: (v: boolean) => (fail = v),
    hold: () => {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("cachedTokenProvider", () => {
  it("serves the cached token until the refresh margin, min(TTL/2, 20 min)", async () => {
    const clock = { now: 0 };
    const c = counting(clock);
    const cached = cachedTokenProvider(c.provider, { clock: () => clock.now });
    expect((await cached.getToken()).accessToken).toBe("token-1");
    clock.now = 39 * MIN; // 21 min left: still fresh
    expect((await cached.getToken()).accessToken).toBe("token-1");
    expect(c.calls).toHaveLength(1);
    clock.now = 41 * MIN; // 19 min left: stale → background refresh, old token served
    expect((await cached.getToken()).accessToken).toBe("token-1");
    await flush();
    expect(c.calls).toHaveLength(2);
    expect((await cached.getToken()).accessToken).toBe("token-2");
  });

  it("uses TTL/2 for short-lived tokens", async () => {
    const clock = { now: 0 };
    const c = counting(clock, 10 * MIN);
    const cached = cachedTokenProvider(c.provider, { clock: () => clock.now });
    await cached.getToken();
    clock.now = 4 * MIN;
    await cached.getToken();
    await flush();
    expect(c.calls).toHaveLength(1);
    clock.now = 5 * MIN + 1;
    await cached.getToken();
    await flush();
    expect(c.calls).toHaveLength(2);
  });

  it("a failed background refresh does not fail callers while the old token is valid, and backs off", async () => {
    const clock = { now: 0 };
    const c = counting(clock);
    const events: TokenRefreshEvent[] = [];
    const cached = cachedTokenProvider(c.provider, { clock: () => clock.now, onRefresh: (e) => events.push(e) });
    await cached.getToken();
    c.setFail(true);
    clock.now = 45 * MIN;
    expect((await cached.getToken()).accessToken).toBe("token-1");
    await flush();
    expect(c.calls).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ trigger: "background", ok: false, error: { message: "refresh failed" } });
    // within the 1 min back-off: no new attempt
    clock.now = 45.5 * MIN;
    expect((await cached.getToken()).accessToken).toBe("token-1");
    await flush();
    expect(c.calls).toHaveLength(2);
    // once expired, callers wait and see the error
    clock.now = 60 * MIN;
    await expect(Promise.resolve(cached.getToken())).rejects.toThrow("refresh failed");
    c.setFail(false);
    expect((await cached.getToken()).accessToken).toBe("token-4");
  });

  it("1,000 concurrent callers arriving as the token expires cause exactly one refresh", async () => {
    const clock = { now: 0 };
    const c = counting(clock);
    const cached = cachedTokenProvider(c.provider, { clock: () => clock.now });
    await cached.getToken();
    clock.now = 60 * MIN - 1; // about to expire: callers must wait
    const release = c.hold();
    const all = Promise.all(Array.from({ length: 1000 }, () => Promise.resolve(cached.getToken())));
    await flush();
    release();
    const tokens = await all;
    expect(c.calls).toHaveLength(2);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(["token-2"]));
  });

  it("forceRefresh bypasses the cache but is single-flight too", async () => {
    const clock = { now: 0 };
    const c = counting(clock);
    const cached = cachedTokenProvider(c.provider, { clock: () => clock.now });
    await cached.getToken();
    const release = c.hold();
    const forced = Promise.all(Array.from({ length: 50 }, () => Promise.resolve(cached.getToken({ forceRefresh: true }))));
    await flush();
    release();
    expect(new Set((await forced).map((t) => t.accessToken))).toEqual(new Set(["token-2"]));
    expect(c.calls).toEqual([false, true]);
    expect((await cached.getToken()).accessToken).toBe("token-2");
  });

  it("keeps a token without expiry until forced, and does not double-wrap", async () => {
    let n = 0;
    const cached = cachedTokenProvider({ getToken: () => ({ accessToken: `t${++n}` }) });
    expect((await cached.getToken()).accessToken).toBe("t1");
    expect((await cached.getToken()).accessToken).toBe("t1");
    expect((await cached.getToken({ forceRefresh: true })).accessToken).toBe("t2");
    expect(cachedTokenProvider(cached)).toBe(cached);
    expect(isCachedTokenProvider(cached)).toBe(true);
  });

  it("a caller's abort does not cancel the shared refresh", async () => {
    const clock = { now: 0 };
    const c = counting(clock);
    const cached = cachedTokenProvider(c.provider, { clock: () => clock.now });
    const release = c.hold();
    const controller = new AbortController();
    const aborted = Promise.resolve(cached.getToken({ signal: controller.signal }));
    const other = Promise.resolve(cached.getToken());
    controller.abort(new Error("caller gave up"));
    await expect(aborted).rejects.toThrow("caller gave up");
    release();
    expect((await other).accessToken).toBe("token-1");
    expect(c.calls).toHaveLength(1);
  });
});

describe("1,000 concurrent getToken calls against a real token endpoint (nock)", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());

  it("make exactly one token request when the token expires", async () => {
    const HOST = "https://ws.example.com";
    const clock = { now: 1_000_000 };
    let requests = 0;
    nock(HOST)
      .post("/oidc/v1/token")
      .times(10)
      .reply(() => {
        requests += 1;
        return [200, { access_token: `m2m-${requests}`, expires_in: 3600 }];
      });
    const provider = oauthM2MCredentials({ host: HOST, tokenEndpoint: `${HOST}/oidc/v1/token`, clientId: "id", clientSecret: "secret", clock: () => clock.now });
    expect((await provider.getToken()).accessToken).toBe("m2m-1");
    clock.now += 3600 * 1000; // expired
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => Promise.resolve(provider.getToken())));
    expect(requests).toBe(2);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(["m2m-2"]));
  });
});
