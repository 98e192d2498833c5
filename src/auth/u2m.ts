/**
 * `external-browser`: in-process user login, OAuth authorization code + PKCE S256 with a loopback
 * redirect (docs/auth.md#u2m-with-pkce):
 *
 *   1. browser → {authorization_endpoint}?response_type=code&client_id=databricks-cli
 *        &redirect_uri=http://localhost:8020&scope=all-apis offline_access&state=…
 *        &code_challenge=…&code_challenge_method=S256
 *   2. redirect → http://localhost:8020/?code=…&state=…        (state verified)
 *   3. POST {token_endpoint} grant_type=authorization_code&code=…&redirect_uri=…
 *        &code_verifier=…&client_id=databricks-cli
 *   4. later: POST {token_endpoint} grant_type=refresh_token&refresh_token=…&client_id=…
 *
 * Refresh tokens may be single-use: every refresh's new refresh token is saved before the access
 * token is handed out, and the file is re-read before each refresh so a token another process
 * rotated is used rather than a spent one. Node-only.
 */
import { spawn } from "node:child_process";
import { cachedTokenProvider, type CachedTokenProviderOptions } from "./cache.js";
import { DEFAULT_CALLBACK_PORTS, startCallbackServer, type CallbackPorts } from "./callback-server.js";
import { AuthenticationFailedError, CredentialUnavailableError } from "./errors.js";
import { requireHost } from "./host.js";
import { memoizeEndpoints, resolveOidcEndpoints } from "./oidc-endpoints.js";
import { createPkcePair, randomUrlSafe } from "./pkce.js";
import { normaliseScopes } from "./scopes.js";
import { accessToken, describeProvider } from "./secrets.js";
import { formBody, readTokenResponse, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";
import { defaultTokenCachePath, readTokenFile, writeTokenFile, type StoredToken } from "./token-file.js";
import type { AccessToken, NamedTokenProvider } from "./token-provider.js";

export interface ExternalBrowserOptions extends TokenHttpOptions {
  /** Workspace URL, or an account host with `accountId`. */
  readonly host: string;
  readonly accountId?: string;
  /** OAuth client id. Default `databricks-cli` (a public client: no secret). */
  readonly clientId?: string;
  /** Scopes; default `all-apis` (`offline_access` is added unless `disableRefreshToken`). */
  readonly scopes?: readonly string[] | string;
  /** Do not ask for a refresh token (`offline_access`). */
  readonly disableRefreshToken?: boolean;
  /** Opens the authorization URL. Default: the platform's opener (`open`, `xdg-open`, `start`). */
  readonly openBrowser?: (url: string) => void | Promise<void>;
  /** Redirect port: a number pins it; default 8020, falling back through 8040. */
  readonly callbackPort?: CallbackPorts;
  /** Token cache file, or `false` to keep tokens in memory only. Default: see `defaultTokenCachePath`. */
  readonly tokenCacheFile?: string | false;
  /** Profile name, part of the default cache key. */
  readonly profile?: string;
  /** How long to wait for the browser redirect. Default 5 min. */
  readonly loginTimeoutMs?: number;
  /** When false, never open a browser: without a usable cached/refreshable token this is "not configured". Default true. */
  readonly interactive?: boolean;
  readonly discoveryUrl?: string;
  readonly cache?: CachedTokenProviderOptions;
}

/** A stored token counts as usable when it has at least this long left. */
const MIN_REMAINING_MS = 5 * 60_000;

/**
 * User login through the system browser, with tokens cached (mode 0600) and refreshed.
 *
 * @example
 * const auth = externalBrowserCredentials({ host: "https://my-workspace.cloud.databricks.com" });
 */
export function externalBrowserCredentials(options: ExternalBrowserOptions): NamedTokenProvider {
  const name = "external-browser";
  const host = requireHost(name, options.host);
  const clientId = options.clientId ?? "databricks-cli";
  const scopes = normaliseScopes(options.scopes);
  const requested = options.disableRefreshToken ? scopes : normaliseScopes([...scopes, "offline_access"]);
  const clock = options.clock ?? options.cache?.clock ?? Date.now;
  const interactive = options.interactive ?? true;
  const loginTimeoutMs = options.loginTimeoutMs ?? 5 * 60_000;
  const openBrowser = options.openBrowser ?? openWithSystemBrowser;
  const endpoints = memoizeEndpoints((signal) => resolveOidcEndpoints(name, { ...options, host, ...(signal ? { signal } : {}) }));
  const cachePath: Promise<string | undefined> =
    options.tokenCacheFile === false
      ? Promise.resolve(undefined)
      : options.tokenCacheFile !== undefined
        ? Promise.resolve(options.tokenCacheFile)
        : defaultTokenCachePath({ host, clientId, scopes: requested, ...(options.profile ? { profile: options.profile } : {}) });

  let memory: StoredToken | undefined;
  let lastHandedOut: string | undefined;
  /** Refresh tokens this process has already redeemed (they may be single-use). */
  const spent = new Set<string>();

  const load = async (): Promise<StoredToken | undefined> => {
    const path = await cachePath;
    const fromFile = path ? await readTokenFile(path) : undefined;
    // A file still holding a refresh token we redeemed is stale (e.g. its rewrite failed).
    if (fromFile && !(fromFile.refreshToken && spent.has(fromFile.refreshToken))) return fromFile;
    return memory ?? fromFile;
  };
  const save = async (token: StoredToken): Promise<void> => {
    memory = token;
    const path = await cachePath;
    // A failed write must not lose the login: the token stays in memory for this process.
    if (path) await writeTokenFile(path, token).catch(() => {});
  };
  const handOut = (token: StoredToken): AccessToken => {
    lastHandedOut = token.accessToken;
    return accessToken(token.accessToken, token.expiresAt);
  };
  const usable = (token: StoredToken | undefined): token is StoredToken =>
    !!token && (token.expiresAt === undefined || token.expiresAt - clock() > MIN_REMAINING_MS);

  const exchange = async (tokenEndpoint: string, fields: Record<string, string | undefined>, secrets: string[], signal?: AbortSignal) => {
    const ctx = { provider: name, secrets, url: tokenEndpoint, ...(signal ? { signal } : {}) };
    const response = await sendTokenRequest(
      () =>
        new Request(tokenEndpoint, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
          body: formBody(fields),
        }),
      ctx,
      options,
    );
    return readTokenResponse(response, ctx, clock);
  };

  const refresh = async (stored: StoredToken, signal?: AbortSignal): Promise<StoredToken> => {
    const { tokenEndpoint } = await endpoints(signal);
    const refreshToken = stored.refreshToken!;
    const t = await exchange(tokenEndpoint, { grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId }, [refreshToken], signal);
    if (t.refreshToken && t.refreshToken !== refreshToken) spent.add(refreshToken);
    // Rotation: keep the new refresh token; the old one may already be spent.
    const next: StoredToken = { accessToken: t.accessToken, ...(t.expiresAt !== undefined ? { expiresAt: t.expiresAt } : {}), refreshToken: t.refreshToken ?? refreshToken };
    await save(next);
    return next;
  };

  const login = async (signal?: AbortSignal): Promise<StoredToken> => {
    const { authorizationEndpoint, tokenEndpoint } = await endpoints(signal);
    const { verifier, challenge } = await createPkcePair();
    const state = randomUrlSafe(16);
    const server = await startCallbackServer(name, options.callbackPort ?? DEFAULT_CALLBACK_PORTS);
    try {
      const url = new URL(authorizationEndpoint);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("client_id", clientId);
      url.searchParams.set("redirect_uri", server.redirectUri);
      url.searchParams.set("scope", requested.join(" "));
      url.searchParams.set("state", state);
      url.searchParams.set("code_challenge", challenge);
      url.searchParams.set("code_challenge_method", "S256");
      const waiting = server.waitForCode(state, { timeoutMs: loginTimeoutMs, ...(signal ? { signal } : {}) });
      waiting.catch(() => {});
      await openBrowser(url.toString());
      const { code } = await waiting;
      const t = await exchange(
        tokenEndpoint,
        { grant_type: "authorization_code", code, redirect_uri: server.redirectUri, code_verifier: verifier, client_id: clientId },
        [code, verifier],
        signal,
      );
      const next: StoredToken = { accessToken: t.accessToken, ...(t.expiresAt !== undefined ? { expiresAt: t.expiresAt } : {}), ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}) };
      await save(next);
      return next;
    } finally {
      await server.close();
    }
  };

  const inner: NamedTokenProvider = {
    name,
    async getToken(opts) {
      const signal = opts?.signal;
      let stored = await load();
      // A token we have not handed out yet (from disk, or written by another process) is reused.
      if (!opts?.forceRefresh && usable(stored) && stored.accessToken !== lastHandedOut) return handOut(stored);
      if (stored?.refreshToken) {
        try {
          return handOut(await refresh(stored, signal));
        } catch (error) {
          // Another process may have rotated the refresh token meanwhile: adopt what it saved.
          const again = await load();
          if (again?.refreshToken && again.refreshToken !== stored.refreshToken && usable(again)) return handOut(again);
          if (!(error instanceof AuthenticationFailedError) || error.status === undefined || error.status < 400 || error.status >= 500) throw error;
          stored = undefined;
          if (!interactive) {
            throw new AuthenticationFailedError(name, "the refresh token was refused; log in again", {
              status: error.status,
              ...(error.oauthError ? { oauthError: error.oauthError } : {}),
              cause: error,
            });
          }
        }
      }
      if (!interactive) throw new CredentialUnavailableError(name, "no cached login and interactive login is disabled");
      return handOut(await login(signal));
    },
  };
  return describeProvider(
    cachedTokenProvider(inner, { clock, refreshTimeoutMs: loginTimeoutMs + 60_000, ...options.cache }),
    "ExternalBrowserCredentials",
    { host, clientId },
  );
}

/** Open `url` with the platform's opener, without a shell; print it when that fails. */
function openWithSystemBrowser(url: string): void {
  const [command, args] =
    process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["rundll32", ["url.dll,FileProtocolHandler", url]] : ["xdg-open", [url]];
  const print = () => process.stderr.write(`Open this URL in a browser to log in:\n${url}\n`);
  try {
    const child = spawn(command as string, args as string[], { stdio: "ignore", detached: true });
    child.on("error", print);
    child.unref();
  } catch {
    print();
  }
}
