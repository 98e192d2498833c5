/**
 * Headers a credential adds besides `Authorization` (docs/auth.md#secondary-headers): the Azure
 * service-management token, the GCP service-account access token, the workspace id a unified
 * host routes by. The transport sends one bearer token; a provider that has more to say carries
 * `extraHeaders` and `wrapFetch`, and the client wraps its fetch with the latter. Headers the
 * caller already set are never overwritten, and the values never reach a log or an error.
 */
import type { FetchLike } from "../ops/retry.js";

/** The headers to add to one request (may be empty). */
export type ExtraHeadersSource = (options: { readonly signal?: AbortSignal }) => Promise<Readonly<Record<string, string>>> | Readonly<Record<string, string>>;

/** A provider that adds headers besides `Authorization`. */
export interface ExtraHeadersProvider {
  /** The headers for the next request. */
  readonly extraHeaders: ExtraHeadersSource;
  /** `fetch` (or the global one) with those headers added: what `createCoreClient` uses. */
  readonly wrapFetch: (fetchImpl?: FetchLike) => FetchLike;
}

/** Give `provider` extra headers (non-enumerable, so its string forms do not change). Returns the same object. */
export function withExtraHeaders<T extends object>(provider: T, source: ExtraHeadersSource): T & ExtraHeadersProvider {
  const wrapFetch = (fetchImpl?: FetchLike): FetchLike => async (request) => {
    const send = fetchImpl ?? ((r: Request) => globalThis.fetch(r));
    const extra = await source({ signal: request.signal });
    const missing = Object.entries(extra).filter(([name]) => !request.headers.has(name));
    if (missing.length === 0) return send(request);
    const headers = new Headers(request.headers);
    for (const [name, value] of missing) headers.set(name, value);
    return send(new Request(request, { headers }));
  };
  Object.defineProperties(provider, {
    extraHeaders: { value: source, enumerable: false, configurable: true },
    wrapFetch: { value: wrapFetch, enumerable: false, configurable: true },
  });
  return provider as T & ExtraHeadersProvider;
}

/** The extra headers of `provider`, or none. */
export function extraHeadersOf(provider: unknown, options: { readonly signal?: AbortSignal } = {}): Promise<Readonly<Record<string, string>>> {
  const source = (provider as Partial<ExtraHeadersProvider> | undefined)?.extraHeaders;
  return Promise.resolve(source ? source(options) : {});
}

/**
 * A secondary token that must not break the primary one: on failure the header is left out (as
 * the Go SDK does for the Azure CLI's management token) and not asked again for `retryAfterMs`.
 */
export function bestEffortHeader(name: string, token: (signal?: AbortSignal) => Promise<string>, retryAfterMs = 300_000, clock: () => number = Date.now): ExtraHeadersSource {
  let failedAt = -Infinity;
  return async ({ signal }) => {
    if (clock() - failedAt < retryAfterMs) return {};
    try {
      return { [name]: await token(signal) };
    } catch (error) {
      // The request's own abort is no verdict on the secondary token.
      if (signal?.aborted) throw error;
      failedAt = clock();
      return {};
    }
  };
}
