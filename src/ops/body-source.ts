/**
 * Resending a request without copying it in advance.
 *
 * A `Request` body is a stream that sending uses up, so a layer that may have to send a request
 * twice (a retry, the one replay after a rejected token) used to `clone()` it before every send:
 * a stream tee costing tens of µs per call, though a second send is rare. The SDK's calls build
 * their body from a JSON string (sendCall), so the string itself is the copy: the layer that
 * builds the request records it here, and a layer that must send again builds a fresh request
 * from it — only when it has to. `new Request(used, { body })` takes everything but the body
 * (method, headers, signal, redirect) from the used request, so the used one serves as template.
 *
 * A request without a recorded body (a raw client's, a test's) is resent the old way: the layer
 * clones it before sending. Keyed weakly: nothing outlives its request.
 */
const sources = new WeakMap<Request, string>();

/** Records that `request`'s body is `body`; returns the request. */
export function rememberBody(request: Request, body: string): Request {
  sources.set(request, body);
  return request;
}

/** Whether `request` can be sent again after its body was used up (no body, or a recorded one). */
export function canResend(request: Request): boolean {
  return request.body === null || sources.has(request);
}

/**
 * A request equal to `request` with a fresh body, usable after `request` was sent; `init`
 * overrides other fields (a signal). The copy records the body too, so it can be resent in turn.
 * Undefined when `request` has a body that was not recorded: clone it before sending instead.
 */
export function resend(request: Request, init?: RequestInit): Request | undefined {
  let copy: Request;
  if (request.body === null) {
    if (!init) return request;
    copy = new Request(request, init);
  } else {
    const body = sources.get(request);
    if (body === undefined) return undefined;
    copy = rememberBody(new Request(request, { ...init, body }), body);
  }
  const timeoutMs = timeouts.get(request);
  if (timeoutMs !== undefined) timeouts.set(copy, timeoutMs);
  return copy;
}

/**
 * A per-call timeout (`CallOptions.timeoutMs`) travels with the request the same way: recorded by
 * the call, read by the per-attempt deadline, carried to every copy `resend` makes.
 */
const timeouts = new WeakMap<Request, number>();

/** Records the per-attempt timeout of `request`'s call; returns the request. */
export function rememberTimeout(request: Request, timeoutMs: number): Request {
  timeouts.set(request, timeoutMs);
  return request;
}

/** The per-attempt timeout recorded for `request`'s call, if any. */
export function timeoutOf(request: Request): number | undefined {
  return timeouts.get(request);
}
