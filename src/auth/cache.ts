/**
 * The one token cache ("cycler") every refreshable provider is wrapped in.
 *
 * Timeline of a token with lifetime TTL (measured when it is cached):
 *
 *   fetched ─────────────── stale ─────────── expired-ish ── expiresAt
 *            served from       served, and one    callers wait for
 *            the cache         background refresh the (single) refresh
 *
 * - stale at `expiresAt − refreshMargin`, refreshMargin = min(TTL/2, 20 min) unless set (the Go and
 *   Python SDKs' rule): the cached token is still returned and ONE background refresh starts;
 * - "expired" at `expiresAt − min(expiryMargin, TTL/4)` (expiryMargin 30 s by default): only then
 *   do callers wait, and they all wait on the same refresh;
 * - a failed background refresh is swallowed while the old token is valid; the next background
 *   attempt waits `backgroundRetryMs` (1 min);
 * - `forceRefresh` (after a 401) skips the cache but still joins a refresh already in flight.
 * - a token without `expiresAt` is kept until a forced refresh.
 */
import { raceAbort, startDeadline } from "../ops/sleep.js";
import { AuthenticationFailedError } from "./errors.js";
import type { TokenRefreshEvent } from "../ops/events.js";
import { describeProvider, redactSecrets } from "./secrets.js";
import type { AccessToken, GetTokenOptions, NamedTokenProvider, TokenProvider } from "./token-provider.js";

/** Facts about one refresh, for logs and metrics (the client's `token_refresh` event). Never contains a token. */
export type { TokenRefreshEvent };

export interface CachedTokenProviderOptions {
  /**
   * Start a background refresh this long before expiry. Default: min(TTL/2, 20 min), TTL being
   * the token's remaining lifetime when it was fetched.
   */
  readonly refreshMarginMs?: number;
  /** Treat the token as expired (callers wait) this long before its expiry. Default 30 s (at most TTL/4). */
  readonly expiryMarginMs?: number;
  /** Wait at least this long between background refresh attempts after one failed. Default 60 s. */
  readonly backgroundRetryMs?: number;
  /** Refresh in the background while the old token is still served. Default true. */
  readonly backgroundRefresh?: boolean;
  /** Abort a refresh that takes longer than this. Default 120 s. */
  readonly refreshTimeoutMs?: number;
  /** Current time in epoch ms. Default `Date.now`. */
  readonly clock?: () => number;
  /**
   * Called after every refresh attempt. Exceptions thrown by it are ignored. (A client's own
   * listeners also hear each refresh its calls cause, through `GetTokenOptions.onRefresh`.)
   */
  readonly onRefresh?: (event: TokenRefreshEvent) => void;
}

const MAX_REFRESH_MARGIN_MS = 20 * 60_000;
const DEFAULT_EXPIRY_MARGIN_MS = 30_000;
const DEFAULT_BACKGROUND_RETRY_MS = 60_000;
const DEFAULT_REFRESH_TIMEOUT_MS = 120_000;

const cachedProviders = new WeakSet<TokenProvider>();

interface Entry {
  readonly token: AccessToken;
  /** From here on a background refresh may start. */
  readonly staleAt: number;
  /** From here on callers wait for a new token. */
  readonly expiredAt: number;
}

/**
 * Wrap a provider in a single-flight, refresh-ahead cache. Wrapping an already cached provider
 * returns it unchanged (two cache layers defeat the background refresh).
 *
 * @example
 * const auth = cachedTokenProvider({ name: "mine", getToken: () => fetchMyToken() });
 */
export function cachedTokenProvider<P extends TokenProvider>(
  provider: P,
  options: CachedTokenProviderOptions = {},
): NamedTokenProvider {
  if (cachedProviders.has(provider) && "name" in provider) return provider as unknown as NamedTokenProvider;
  const clock = options.clock ?? Date.now;
  const name = typeof (provider as { name?: unknown }).name === "string" ? (provider as unknown as { name: string }).name : "custom";
  const backgroundRefresh = options.backgroundRefresh ?? true;
  const backgroundRetryMs = options.backgroundRetryMs ?? DEFAULT_BACKGROUND_RETRY_MS;
  const refreshTimeoutMs = options.refreshTimeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS;

  let entry: Entry | undefined;
  let inflight: Promise<AccessToken> | undefined;
  let nextBackgroundAt = 0;

  const toEntry = (token: AccessToken): Entry => {
    const now = clock();
    if (token.expiresAt === undefined || !Number.isFinite(token.expiresAt)) {
      return { token, staleAt: Infinity, expiredAt: Infinity };
    }
    const ttl = Math.max(0, token.expiresAt - now);
    const refreshMargin = options.refreshMarginMs ?? Math.min(ttl / 2, MAX_REFRESH_MARGIN_MS);
    const expiryMargin = Math.min(options.expiryMarginMs ?? DEFAULT_EXPIRY_MARGIN_MS, ttl / 4);
    return { token, staleAt: token.expiresAt - refreshMargin, expiredAt: token.expiresAt - expiryMargin };
  };

  // The listeners of the refresh in flight: the provider's own, and those of every client whose
  // call started or joined it (each once), so that one refresh is one event per listener.
  let listeners = new Set<(event: TokenRefreshEvent) => void>();
  const emit = (event: TokenRefreshEvent): void => {
    const told = listeners;
    listeners = new Set();
    for (const listener of [options.onRefresh, ...told]) {
      try {
        listener?.(event);
      } catch {
        // a listener must not break authentication
      }
    }
  };

  const refresh = (trigger: TokenRefreshEvent["trigger"], onRefresh: GetTokenOptions["onRefresh"]): Promise<AccessToken> => {
    if (onRefresh) listeners.add(onRefresh);
    if (inflight) return inflight;
    const started = clock();
    const promise = (async () => {
      // The refresh has its own deadline, held by the SDK's timer (see startDeadline): a provider
      // that never answers (a stalled token endpoint, a hung CLI) fails this refresh at the
      // deadline, and the next caller starts a fresh one instead of joining it for good.
      const deadline = startDeadline(refreshTimeoutMs, () => new AuthenticationFailedError(name, `the token refresh did not finish within ${refreshTimeoutMs} ms`));
      try {
        const token = await deadline.race(Promise.resolve(provider.getToken({ signal: deadline.signal, forceRefresh: trigger === "forced" })));
        if (!token || typeof token.accessToken !== "string" || token.accessToken === "") {
          throw new TypeError(`${name}: the provider returned no access token`);
        }
        // Cached, an already expired token would cost one refresh per call.
        if (token.expiresAt !== undefined && token.expiresAt <= clock()) {
          throw new AuthenticationFailedError(name, "the provider returned a token that has already expired");
        }
        entry = toEntry(token);
        nextBackgroundAt = 0;
        emit({ type: "token_refresh", provider: name, trigger, outcome: "ok", ok: true, durationMs: clock() - started, ...(token.expiresAt === undefined ? {} : { expiresAt: token.expiresAt }) });
        return token;
      } catch (error) {
        if (trigger === "background") nextBackgroundAt = clock() + backgroundRetryMs;
        const e = error instanceof Error ? error : new Error(String(error));
        emit({ type: "token_refresh", provider: name, trigger, outcome: "error", ok: false, durationMs: clock() - started, error: { name: e.name, message: redactSecrets(e.message) } });
        throw error;
      } finally {
        deadline.clear();
      }
    })();
    inflight = promise;
    // Clear the slot once settled, whatever the outcome (and never leave an unhandled rejection).
    promise.then(
      () => (inflight = inflight === promise ? undefined : inflight),
      () => (inflight = inflight === promise ? undefined : inflight),
    );
    return promise;
  };

  const getToken = (opts?: GetTokenOptions): Promise<AccessToken> | AccessToken => {
    if (opts?.forceRefresh) return raceAbort(refresh("forced", opts.onRefresh), opts.signal);
    const now = clock();
    const current = entry;
    if (current && now < current.expiredAt) {
      if (backgroundRefresh && now >= current.staleAt && !inflight && now >= nextBackgroundAt) {
        refresh("background", opts?.onRefresh).catch(() => {
          // swallowed: the current token is still valid; the event was emitted
        });
      }
      return current.token;
    }
    return raceAbort(refresh("blocking", opts?.onRefresh), opts?.signal);
  };

  const cached: NamedTokenProvider = describeProvider({ name, getToken }, `CachedTokenProvider`, { provider: name });
  cachedProviders.add(cached);
  return cached;
}

/** True when `provider` was built by {@link cachedTokenProvider} (so it must not be wrapped again). */
export function isCachedTokenProvider(provider: TokenProvider): boolean {
  return cachedProviders.has(provider);
}
