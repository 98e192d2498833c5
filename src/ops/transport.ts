import { canRefresh, type TokenProvider } from "../auth/token-provider.js";
import { RequestTimeoutError } from "./errors.js";
import { createRetryingFetch, type FetchLike, type RetryOptions } from "./retry.js";
import { anySignal } from "./sleep.js";

export { RequestTimeoutError };

export interface TransportOptions {
  readonly fetch: FetchLike;
  readonly tokenProvider: TokenProvider;
  readonly timeoutMs: number;
  readonly retry: RetryOptions | false;
}

/**
 * The fetch stack beneath openapi-fetch: retries outermost (each attempt gets its own copy of the
 * request), then the per-attempt timeout (which also bounds getting the token), then auth.
 * Each attempt builds one Request (the timeout's); auth sets its header on that one in place.
 */
export function createTransport(options: TransportOptions): FetchLike {
  const authed = withAuth(options.fetch, options.tokenProvider);
  const timed = withTimeout(authed, options.timeoutMs);
  return createRetryingFetch(timed, options.retry);
}

function withTimeout(inner: FetchLike, timeoutMs: number): FetchLike {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return inner;
  return async (request) => {
    const timer = AbortSignal.timeout(timeoutMs);
    const signal = anySignal([request.signal, timer]);
    try {
      const response = await inner(new Request(request, { signal }));
      // The body is read under the same timer: a server that sends headers and then stalls is a
      // timeout like any other (typed, retried for safe methods), not a raw DOMException later.
      return await buffered(response);
    } catch (error) {
      if (timer.aborted && !request.signal.aborted) {
        throw new RequestTimeoutError(timeoutMs, request.method, new URL(request.url).pathname);
      }
      throw error;
    }
  };
}

function withAuth(inner: FetchLike, provider: TokenProvider): FetchLike {
  const send = async (request: Request, forceRefresh: boolean) => {
    const { accessToken } = await provider.getToken({ signal: request.signal, forceRefresh });
    // Every Request reaching here was built with redirect: "manual" (see createLakebaseClient),
    // so the bearer token never follows a redirect to another origin.
    request.headers.set("Authorization", `Bearer ${accessToken}`);
    return inner(request);
  };
  return async (request) => {
    // Asked per request: a chain knows only after its first token whether it picked a static one.
    const replay = canRefresh(provider) ? request.clone() : undefined;
    const response = await send(request, false);
    // Asked again after the answer: the selection may have been made while getting the token.
    if (response.status !== 401 || !replay || !canRefresh(provider)) return response;
    // One replay after a 401, with a token the provider must not answer from its cache.
    await response.body?.cancel();
    return send(replay, true);
  };
}

/** The response with its body read into memory (API answers are small JSON documents). */
async function buffered(response: Response): Promise<Response> {
  if (response.body === null) return response;
  const body = await response.arrayBuffer();
  const copy = new Response(response.status === 204 || response.status === 304 ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // Response's constructor cannot set url; error messages use its pathname.
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}
