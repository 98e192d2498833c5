import { canRefresh, type AccessToken, type GetTokenOptions, type TokenProvider } from "./token-provider.js";
import type { TokenRefreshEvent } from "./events.js";
import { LakebaseError, NetworkError, RequestTimeoutError } from "./errors.js";
import { send, type Outgoing, type Reply, type Transport } from "./exchange.js";
import { networkErrorCodes, PRE_SEND_ERROR_CODES } from "./network-codes.js";
import { requestPath } from "./parse-error-body.js";
import { rememberSecret } from "./redact.js";
import { createRetrying, SAFE_METHODS, type FetchLike, type RetryOptions } from "./retry.js";
import { raceAbort, startDeadline } from "./sleep.js";

export { RequestTimeoutError };

export interface TransportOptions {
  /** The caller's fetch, given a `Request`; the global `fetch` when absent. */
  readonly fetch?: FetchLike | undefined;
  readonly tokenProvider: TokenProvider;
  readonly timeoutMs: number;
  readonly retry: RetryOptions | false;
  /** Where a refreshing provider reports its refreshes (the client's event listeners); absent when nobody listens. */
  readonly onRefresh?: ((event: TokenRefreshEvent) => void) | undefined;
}

/**
 * The client's one request path: retries outermost, then one attempt — the per-attempt deadline
 * (which bounds getting the token, the headers and the whole body), auth, and fetch with its
 * failures typed as NetworkError. Each attempt builds exactly one `Request` (see exchange.ts).
 */
export function createTransport(options: TransportOptions): Transport {
  const authorize = tokenSource(options.tokenProvider, options.onRefresh);
  const fetchImpl = options.fetch;
  const clientTimeoutMs = options.timeoutMs;

  /** One attempt, bounded by the SDK's own timer from asking for the token to the last byte of the body. */
  const attempt = async (outgoing: Outgoing): Promise<Reply> => {
    // The call's own timeout (CallOptions.timeoutMs) wins over the client's.
    const timeoutMs = outgoing.timeoutMs ?? clientTimeoutMs;
    // Until the token is there nothing has been sent: a mutation timed out before then has a known outcome.
    let sent = false;
    const deadline =
      Number.isFinite(timeoutMs) && timeoutMs > 0
        ? startDeadline(timeoutMs, () => new RequestTimeoutError(timeoutMs, outgoing.method, requestPath(outgoing.url) ?? "", sent && !SAFE_METHODS.has(outgoing.method.toUpperCase())), outgoing.signal)
        : undefined;
    // Aborted by the deadline or by the caller's signal (linked inside startDeadline); the race
    // ends the attempt even where the runtime's fetch has dropped its signal (see startDeadline).
    const signal = deadline?.signal ?? outgoing.signal;
    const race = deadline ? <T>(promise: Promise<T>) => deadline.race(promise) : <T>(promise: Promise<T>) => raceAbort(promise, signal);
    try {
      const token = await authorize.current(signal, race);
      sent = true;
      const reply = await exchange(fetchImpl, outgoing, token, signal, race);
      if (!authorize.rejects(reply)) return reply;
      // One replay after a rejected token, with a token the provider must not answer from its cache.
      return await exchange(fetchImpl, outgoing, await race(authorize.afterRejection(token)), signal, race);
    } finally {
      deadline?.clear();
    }
  };
  return createRetrying(attempt, options.retry);
}

/** A failure of fetch itself (refused, DNS, reset) as a NetworkError; the SDK's own errors and aborts stay as they are. */
function toNetworkError(error: unknown, outgoing: Outgoing, signal: AbortSignal | undefined, status?: number): unknown {
  if (error instanceof LakebaseError || signal?.aborted) return error;
  if (error instanceof DOMException && error.name === "AbortError") return error;
  const url = new URL(outgoing.url);
  const preSend = networkErrorCodes(error).some((code) => PRE_SEND_ERROR_CODES.has(code));
  const method = outgoing.method.toUpperCase();
  return new NetworkError({ host: url.host, method, path: url.pathname, cause: error, outcomeUnknown: !preSend && !SAFE_METHODS.has(method), ...(status === undefined ? {} : { status }) });
}

/**
 * Sends `outgoing` with `token` and reads the whole body, both under `race` (the attempt's
 * deadline): a server that sends headers and then stalls is a typed timeout, retried for safe
 * methods. The only place the SDK's requests meet `fetch`.
 */
async function exchange(
  fetchImpl: FetchLike | undefined,
  outgoing: Outgoing,
  token: string,
  signal: AbortSignal | undefined,
  race: <T>(promise: Promise<T>) => Promise<T>,
): Promise<Reply> {
  rememberSecret(token); // a server quoting it back gets it scrubbed from the error
  let response: Response;
  try {
    response = await race(send(fetchImpl, outgoing, `Bearer ${token}`, signal));
  } catch (error) {
    throw toNetworkError(error, outgoing, signal);
  }
  try {
    const text = await race(response.text());
    return { status: response.status, statusText: response.statusText, headers: response.headers, url: response.url || outgoing.url, text };
  } catch (error) {
    // Free the connection of a body nobody will read.
    response.body?.cancel().catch(() => {});
    // The headers came and the body broke off: a network failure, typed like fetch's, with the status it had.
    throw toNetworkError(error, outgoing, signal, response.status);
  }
}

interface TokenSource {
  /** The token to send now: one pending provider call shared by concurrent callers. */
  current(signal: AbortSignal | undefined, race: <T>(promise: Promise<T>) => Promise<T>): string | Promise<string>;
  /** Whether the answer says the token itself is no good (and the provider can give another). */
  rejects(reply: Reply): boolean;
  /** A fresh token after `rejected` was refused: one forced refresh shared by every caller that sent it. */
  afterRejection(rejected: string): Promise<string>;
}

function tokenSource(provider: TokenProvider, onRefresh: ((event: TokenRefreshEvent) => void) | undefined): TokenSource {
  // The client's listeners reach the provider with each request for a token: no global, and a
  // provider shared by two clients reports each refresh to the client whose call caused it.
  const asked = (signal: AbortSignal | undefined, forceRefresh: boolean): GetTokenOptions =>
    onRefresh ? { signal, forceRefresh, onRefresh } : { signal, forceRefresh };
  // Concurrent callers share one pending token request: a plain `{ getToken }` given by the user
  // may fetch a token per call, and 1,000 calls started together must not cost 1,000 fetches. The
  // answer is not kept once it has arrived (caching, with expiry and refresh-ahead, is the
  // provider's job: cachedTokenProvider), and a provider that answers synchronously (a cache hit,
  // a static token) is not shared at all: there is nothing to wait for.
  let pending: { readonly token: PromiseLike<AccessToken>; readonly signal: AbortSignal | undefined } | undefined;
  const ask = (signal: AbortSignal | undefined): AccessToken | PromiseLike<AccessToken> => {
    if (pending) return joined(pending, signal);
    const answer = provider.getToken(asked(signal, false));
    if (!isThenable(answer)) return answer;
    const entry = { token: answer, signal };
    pending = entry;
    const clear = () => {
      if (pending === entry) pending = undefined;
    };
    answer.then(clear, clear);
    return answer;
  };
  const joined = async (shared: NonNullable<typeof pending>, signal: AbortSignal | undefined): Promise<AccessToken> => {
    try {
      return await shared.token;
    } catch (error) {
      // The request that started the shared call passed its own signal to the provider; if that
      // request was cancelled, the others ask again rather than fail with its abort.
      if (shared.signal?.aborted && !signal?.aborted) return ask(signal);
      throw error;
    }
  };

  // After a rejected token, every caller that sent that token shares one forced refresh: 1,000
  // requests whose 401s arrive over a second cost one token request, not one each.
  let forced: { readonly rejected: string; readonly token: Promise<string> } | undefined;

  return {
    current(signal, race) {
      const answer = ask(signal);
      if (!isThenable(answer)) return answer.accessToken;
      // A caller that joined a shared call races it against its own attempt (deadline, abort)
      // and must not send after that.
      return race(Promise.resolve(answer)).then((token) => {
        signal?.throwIfAborted();
        return token.accessToken;
      });
    },
    rejects(reply) {
      // Asked after the answer: a chain knows only after its first token whether it picked a static one.
      if (reply.status === 401) return canRefresh(provider);
      // The 403 "Invalid access token." the service (and the emulator) give a revoked or expired
      // token; other 403s are permission errors.
      return reply.status === 403 && canRefresh(provider) && /invalid access token|token (is )?expired|expired token/i.test(reply.text);
    },
    afterRejection(rejected) {
      if (forced?.rejected !== rejected) {
        const token = Promise.resolve(provider.getToken(asked(undefined, true))).then((t) => t.accessToken);
        const entry = { rejected, token };
        forced = entry;
        // A failed refresh is not kept: the next rejection tries again.
        token.catch(() => {
          if (forced === entry) forced = undefined;
        });
      }
      return forced.token;
    },
  };
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
