import { canRefresh, type AccessToken, type TokenProvider } from "./token-provider.js";
import { LakebaseError, NetworkError, RequestTimeoutError } from "./errors.js";
import { networkErrorCodes, PRE_SEND_ERROR_CODES } from "./network-codes.js";
import { rememberSecret } from "./redact.js";
import { createRetryingFetch, type FetchLike, type RetryOptions } from "./retry.js";
import { bufferedResponse } from "./buffered-response.js";
import { canResend, resend, timeoutOf } from "./body-source.js";
import { raceAbort, startDeadline } from "./sleep.js";

export { RequestTimeoutError };

export interface TransportOptions {
  readonly fetch: FetchLike;
  readonly tokenProvider: TokenProvider;
  readonly timeoutMs: number;
  readonly retry: RetryOptions | false;
}

/**
 * The fetch stack beneath openapi-fetch: retries outermost (each attempt gets its own copy of the
 * request), then the per-attempt deadline (which bounds getting the token, the headers and the
 * whole body), then auth, then fetch with its failures typed as NetworkError.
 */
export function createTransport(options: TransportOptions): FetchLike {
  const authed = withAuth(typedNetworkErrors(options.fetch), options.tokenProvider);
  const timed = withDeadline(authed, options.timeoutMs);
  return createRetryingFetch(timed, options.retry);
}

const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/** A failure of fetch itself (refused, DNS, reset) as a NetworkError; the user's abort stays as it is. */
function toNetworkError(error: unknown, request: Request): unknown {
  if (error instanceof LakebaseError || request.signal.aborted) return error;
  if (error instanceof DOMException && error.name === "AbortError") return error;
  const url = new URL(request.url);
  const preSend = networkErrorCodes(error).some((code) => PRE_SEND_ERROR_CODES.has(code));
  const method = request.method.toUpperCase();
  return new NetworkError({ host: url.host, method, path: url.pathname, cause: error, outcomeUnknown: !preSend && !SAFE_METHODS.has(method) });
}

function typedNetworkErrors(fetchImpl: FetchLike): FetchLike {
  return async (request) => {
    try {
      return await fetchImpl(request);
    } catch (error) {
      throw toNetworkError(error, request);
    }
  };
}

/**
 * One attempt, bounded by the SDK's own timer from asking for the token to the last byte of the
 * body. The body is read here, under the same deadline: a server that sends headers and then
 * stalls is a typed timeout (retried for safe methods), even after a garbage collection has dropped
 * the signal links inside the runtime's fetch (see startDeadline).
 */
function withDeadline(inner: FetchLike, clientTimeoutMs: number): FetchLike {
  return async (request) => {
    // The call's own timeout (CallOptions.timeoutMs) wins over the client's.
    const timeoutMs = timeoutOf(request) ?? clientTimeoutMs;
    const bounded = Number.isFinite(timeoutMs) && timeoutMs > 0;
    const path = new URL(request.url).pathname;
    const deadline = bounded ? startDeadline(timeoutMs, () => new RequestTimeoutError(timeoutMs, request.method, path), request.signal) : undefined;
    // Aborted by the deadline or by the caller's signal (linked inside startDeadline).
    const signal = deadline?.signal;
    // The attempt's own signal; the body comes from its recorded string, not a stream copy.
    const sent = signal ? (resend(request, { signal }) ?? new Request(request, { signal })) : request;
    const race = <T>(promise: Promise<T>): Promise<T> => raceAbort(deadline ? deadline.race(promise) : promise, request.signal);
    try {
      // fetch's own failures are typed below this layer; a token provider's error stays what it is.
      const response = await race(inner(sent));
      try {
        return await race(bufferedResponse(response));
      } catch (error) {
        // Free the connection of a body nobody will read.
        response.body?.cancel().catch(() => {});
        // The headers came and the body broke off: a network failure, typed like fetch's.
        throw toNetworkError(error, request);
      }
    } finally {
      deadline?.clear();
    }
  };
}

function withAuth(inner: FetchLike, provider: TokenProvider): FetchLike {
  // Concurrent callers share one pending token request: a plain `{ getToken }` given by the user
  // may fetch a token per call, and 1,000 calls started together must not cost 1,000 fetches. The
  // answer is not kept once it has arrived (caching, with expiry and refresh-ahead, is the
  // provider's job: cachedTokenProvider), and a provider that answers synchronously (a cache hit,
  // a static token) is not shared at all: there is nothing to wait for.
  let pending: { readonly token: PromiseLike<AccessToken>; readonly signal: AbortSignal | undefined } | undefined;
  const currentToken = (signal: AbortSignal | undefined): AccessToken | PromiseLike<AccessToken> => {
    if (pending) return joined(pending, signal);
    const answer = provider.getToken({ signal, forceRefresh: false });
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
      if (shared.signal?.aborted && !signal?.aborted) return currentToken(signal);
      throw error;
    }
  };

  // After a rejected token, every caller that sent that token shares one forced refresh: 1,000
  // requests whose 401s arrive over a second cost one token request, not one each.
  let forced: { readonly rejected: string; readonly token: Promise<string> } | undefined;
  const tokenAfterRejection = (rejected: string): Promise<string> => {
    if (forced?.rejected !== rejected) {
      const token = Promise.resolve(provider.getToken({ forceRefresh: true })).then((t) => t.accessToken);
      const entry = { rejected, token };
      forced = entry;
      // A failed refresh is not kept: the next rejection tries again.
      token.catch(() => {
        if (forced === entry) forced = undefined;
      });
    }
    return forced.token;
  };
  const send = (request: Request, accessToken: string) => {
    // Every Request reaching here was built with redirect: "manual" (see createLakebaseClient),
    // so the bearer token never follows a redirect to another origin.
    rememberSecret(accessToken); // a server quoting it back gets it scrubbed from the error
    request.headers.set("Authorization", `Bearer ${accessToken}`);
    return inner(request);
  };
  return async (request) => {
    // Asked per request: a chain knows only after its first token whether it picked a static one.
    // The replay after a rejected token needs a second copy of the request. A request without a
    // body, or whose body string was recorded (body-source.ts: every call of the SDK), is rebuilt
    // only if the token is rejected; any other request is cloned now, before sending uses it up.
    const early = canRefresh(provider) && !canResend(request) ? request.clone() : undefined;
    const { accessToken } = await currentToken(request.signal);
    // A caller that joined a shared call does not race it against its own signal: the layers above
    // already end this attempt on an abort or at its deadline. It only must not send after that.
    request.signal.throwIfAborted();
    const response = await send(request, accessToken);
    // Asked again after the answer: the selection may have been made while getting the token.
    if ((response.status !== 401 && response.status !== 403) || !canRefresh(provider) || !(await rejectsToken(response))) return response;
    const replay = early ?? resend(request);
    if (!replay) return response; // the provider became refreshable only while this request was sent
    // One replay after a rejected token, with a token the provider must not answer from its cache.
    await response.body?.cancel().catch(() => {});
    return send(replay, await raceAbort(tokenAfterRejection(accessToken), request.signal));
  };
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Whether the answer says the token itself is no good: 401, or the 403 "Invalid access token." the
 * service (and the emulator) give a revoked or expired token. Other 403s are permission errors.
 */
async function rejectsToken(response: Response): Promise<boolean> {
  if (response.status === 401) return true;
  if (response.status !== 403) return false;
  const text = await response.clone().text().catch(() => "");
  return /invalid access token|token (is )?expired|expired token/i.test(text);
}
