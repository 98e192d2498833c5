/**
 * What travels through the transport's layers (src/ops/transport.ts): a plain description of the
 * request, turned into a `Request` only at the bottom, once per attempt, with that attempt's
 * signal in it; and the answer with its body already read, under the attempt's deadline.
 *
 * Why not `Request`/`Response` all the way down: a `Request` cannot take a new signal or be sent
 * twice without being copied (`new Request(request, { signal })` costs more than building it), and
 * a `Response` body can be read once, so every layer that looks at an error body had to rebuild the
 * response. A description is rebuilt for free, for a retry or the replay after a rejected token.
 */

import type { CallTrace } from "./call-trace.js";

/** One API request, before auth: the bottom layer adds `Authorization` and builds the `Request`. */
export interface Outgoing {
  readonly method: string;
  /** The whole URL, query included. */
  readonly url: string;
  /** Every header but `Authorization`. */
  readonly headers: Readonly<Record<string, string>>;
  /** A JSON string; absent for a request without a body. */
  readonly body?: string | undefined;
  /** The caller's signal: cancels the call, retry sleeps included. */
  readonly signal?: AbortSignal | undefined;
  /** This call's per-attempt timeout in ms, instead of the client's. */
  readonly timeoutMs?: number | undefined;
  /** Where the retry layer reports a retry: present only when the client has an event listener (call-trace.ts). */
  readonly trace?: CallTrace | undefined;
}

/** An answer whose body has been read whole (API and token answers are small JSON documents). */
export interface Reply {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  /** The URL that answered (for the path in error messages). */
  readonly url: string;
  readonly text: string;
}

/** The client's request path: retries, the per-attempt deadline, auth, fetch. */
export type Transport = (request: Outgoing) => Promise<Reply>;

/** What a request is built from: redirects are never followed, so a bearer token never leaves its origin. */
function requestInit(outgoing: Outgoing, authorization: string | undefined, signal: AbortSignal | undefined): RequestInit {
  const headers = authorization === undefined ? outgoing.headers : { ...outgoing.headers, Authorization: authorization };
  return { method: outgoing.method, headers, body: outgoing.body, signal, redirect: "manual" };
}

/** The `Request` a custom fetch is given (the `fetch` option takes a Request, as openapi-fetch's does). */
export function toRequest(outgoing: Outgoing, authorization: string | undefined, signal: AbortSignal | undefined): Request {
  return new Request(outgoing.url, requestInit(outgoing, authorization, signal));
}

/**
 * Sends one exchange: to the caller's `fetch` as a `Request`, or to the global `fetch` as a URL and
 * init — which builds its one `Request` itself (handed a `Request`, it would copy it, and a copy
 * of a request with a signal costs as much as the original).
 */
export function send(fetchImpl: ((request: Request) => Promise<Response>) | undefined, outgoing: Outgoing, authorization: string, signal: AbortSignal | undefined): Promise<Response> {
  return fetchImpl ? fetchImpl(toRequest(outgoing, authorization, signal)) : globalThis.fetch(outgoing.url, requestInit(outgoing, authorization, signal));
}
