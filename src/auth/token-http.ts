/**
 * HTTP plumbing shared by the token providers: one request with a small retry of its own (token
 * requests are idempotent, so 5xx is retried even for POST), the parse of an OAuth token response
 * into typed errors, and Basic client authentication.
 *
 * Redirects are never followed (`redirect: "manual"`, a 3xx is an error): a client secret or an
 * ID token must not travel to another origin.
 */
import { userAgent } from "../ops/user-agent.js";
import type { FetchLike } from "../ops/retry.js";
import { backoffDelay } from "../ops/backoff.js";
import { parseRetryAfter } from "../ops/parse-error-body.js";
import { bufferedResponse } from "../ops/buffered-response.js";
import { anySignal, raceAbort, sleep, startDeadline } from "../ops/sleep.js";
import { AuthenticationFailedError, InvalidTokenResponseError } from "./errors.js";
import { scrub } from "./secrets.js";

/** Retry policy of token requests (defaults: 3 retries, 500 ms base, 10 s cap, 60 s budget): the same words as the client's `retry`. */
export interface TokenRetryOptions {
  /** Retries after the first attempt (attempts = maxRetries + 1), as in the client's `retry`. Default 3. */
  readonly maxRetries?: number;
  /** Base of the exponential backoff, in ms. Default 500. */
  readonly baseDelayMs?: number;
  /** Cap of one computed backoff (a server's Retry-After may be longer). Default 10 000. */
  readonly maxDelayMs?: number;
  /** All attempts and sleeps must fit in this, in ms. Default 60 000. */
  readonly budgetMs?: number;
}

/** Options every HTTP-based provider accepts. */
export interface TokenHttpOptions {
  /** A fetch implementation; defaults to the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Retry policy for the token request, or `false` for one attempt only. */
  readonly retry?: TokenRetryOptions | false;
  /** Timeout of one attempt, in ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** Current time in epoch ms (for `expiresAt`). Default `Date.now`. */
  readonly clock?: () => number;
}

/** What a token endpoint gave back. */
export interface TokenResponse {
  readonly accessToken: string;
  readonly tokenType?: string;
  readonly expiresAt?: number;
  readonly refreshToken?: string;
  readonly scope?: string;
}

export interface RequestContext {
  /** Provider name for error messages. */
  readonly provider: string;
  /** Values to scrub from any text put into an error. */
  readonly secrets: readonly (string | undefined)[];
  readonly signal?: AbortSignal;
  /** Hide the URL from error messages (e.g. the metadata service URL is itself a secret). */
  readonly hideUrl?: boolean;
  /** The URL the request went to (for messages when the response does not carry it). */
  readonly url?: string;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** `origin + pathname` of a URL: what error messages may show. */
export function endpointLabel(url: string): string {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch {
    return "(invalid URL)";
  }
}

function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return Boolean(signal?.aborted) || (error instanceof Error && error.name === "AbortError");
}

function networkCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.name : "error";
}

/** The request's headers, with the SDK's User-Agent unless the caller set one: token endpoints see who asks, as the API does. */
function withUserAgent(headers: Headers): Headers {
  const out = new Headers(headers);
  if (!out.has("user-agent")) out.set("User-Agent", userAgent());
  return out;
}

/**
 * Send a request built by `build` (called once per attempt so bodies are fresh), retrying 429, 500,
 * 502, 503, 504 and connection-level failures with exponential backoff that honours `Retry-After`
 * (never shortened; when it does not fit in the budget the last response is returned).
 * Returns the last response; throws `AuthenticationFailedError` when no response was ever received.
 */
export async function sendTokenRequest(build: () => Request, ctx: RequestContext, options: TokenHttpOptions = {}): Promise<Response> {
  const fetchImpl: FetchLike = options.fetch ?? ((request) => globalThis.fetch(request));
  const retry = options.retry === false ? { maxRetries: 0 } : (options.retry ?? {});
  const maxAttempts = 1 + Math.max(0, Math.floor(retry.maxRetries ?? 3));
  const baseDelayMs = retry.baseDelayMs ?? 500;
  const maxDelayMs = retry.maxDelayMs ?? 10_000;
  const budgetMs = retry.budgetMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();

  for (let attempt = 1; ; attempt++) {
    const base = build();
    const url = base.url;
    const where = ctx.hideUrl ? "the endpoint" : endpointLabel(url);
    // The SDK's own timer bounds the headers and the whole body (see startDeadline): a token
    // endpoint that stalls mid-body is a timeout to retry, never a refresh pending for good.
    const deadline = startDeadline(timeoutMs, () => new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError"));
    const signal = anySignal(ctx.signal ? [ctx.signal, deadline.signal] : [deadline.signal]);
    const race = <T>(promise: Promise<T>) => raceAbort(deadline.race(promise), ctx.signal);
    let response: Response | undefined;
    let failure: unknown;
    try {
      response = await race(fetchImpl(new Request(base, { signal, redirect: "manual", headers: withUserAgent(base.headers) })));
      response = await race(bufferedResponse(response));
    } catch (error) {
      response = undefined;
      if (ctx.signal?.aborted) throw ctx.signal.reason ?? error;
      if (isAbort(error) && !deadline.expired) throw error;
      failure = error;
    } finally {
      deadline.clear();
    }

    if (response && !RETRYABLE_STATUS.has(response.status)) return response;

    // Equal jitter: a token request must wait at least half the step (the endpoint is struggling),
    // spread over the other half so that many processes refreshing together come back apart.
    const delay = backoffDelay({
      attempt: attempt - 1,
      baseMs: baseDelayMs,
      factor: 2,
      capMs: maxDelayMs,
      jitter: "equal",
      random: Math.random,
      serverAskMs: response ? (parseRetryAfter(response.headers.get("retry-after")) ?? 0) : 0,
    });
    const fits = Date.now() - started + delay <= budgetMs;
    if (attempt >= maxAttempts || !fits) {
      if (response) return response;
      const code = deadline.expired ? "timeout" : networkCode(failure);
      throw new AuthenticationFailedError(ctx.provider, `could not reach ${where} (${code}) after ${attempt} attempt(s)`, {
        ...(ctx.hideUrl ? {} : { endpoint: endpointLabel(url) }),
        cause: failure,
      });
    }
    await response?.body?.cancel().catch(() => {});
    await sleep(delay, ctx.signal);
  }
}

/**
 * Read an OAuth token response. Non-2xx → `AuthenticationFailedError` carrying the OAuth `error`
 * code and a scrubbed `error_description`; 2xx that is not JSON or lacks `access_token` →
 * `InvalidTokenResponseError`. `expires_in` (seconds from now) and `expires_on` (epoch seconds)
 * are both understood, as numbers or numeric strings.
 */
export async function readTokenResponse(response: Response, ctx: RequestContext, clock: () => number = Date.now): Promise<TokenResponse> {
  const endpoint = ctx.hideUrl ? undefined : endpointLabel(ctx.url ?? response.url ?? "");
  const at = endpoint && endpoint !== "(invalid URL)" ? ` from ${endpoint}` : "";
  const text = await response.text().catch(() => "");
  if (!response.ok) throw failedResponse(response.status, text, ctx, endpoint);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InvalidTokenResponseError(ctx.provider, `the token response${at} is not JSON (HTTP ${response.status})`, { status: response.status, ...(endpoint ? { endpoint } : {}) });
  }
  if (!body || typeof body !== "object") {
    throw new InvalidTokenResponseError(ctx.provider, `the token response${at} is not a JSON object`, { status: response.status, ...(endpoint ? { endpoint } : {}) });
  }
  const b = body as Record<string, unknown>;
  if (typeof b.access_token !== "string" || b.access_token === "") {
    throw new InvalidTokenResponseError(ctx.provider, `the token response${at} has no access_token`, { status: response.status, ...(endpoint ? { endpoint } : {}) });
  }
  const tokenType = typeof b.token_type === "string" ? b.token_type : undefined;
  if (tokenType !== undefined && tokenType !== "" && tokenType.toLowerCase() !== "bearer") {
    throw new InvalidTokenResponseError(ctx.provider, `unsupported token_type ${JSON.stringify(scrub(tokenType, ctx.secrets, 40))}${at}`, { status: response.status, ...(endpoint ? { endpoint } : {}) });
  }
  const now = clock();
  const expiresIn = lifetimeField(b, "expires_in", ctx, response.status, endpoint);
  const expiresOn = lifetimeField(b, "expires_on", ctx, response.status, endpoint);
  let expiresAt: number | undefined;
  if (expiresIn !== undefined) expiresAt = now + expiresIn * 1000;
  else if (expiresOn !== undefined) expiresAt = expiresOn * 1000;
  return {
    accessToken: b.access_token,
    ...(tokenType ? { tokenType } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(typeof b.refresh_token === "string" && b.refresh_token !== "" ? { refreshToken: b.refresh_token } : {}),
    ...(typeof b.scope === "string" ? { scope: b.scope } : {}),
  };
}

/**
 * The string in `field` of a JSON token-like answer that is not an OAuth token response: an ID
 * token from a CI service (GitHub Actions `value`, Azure DevOps `oidcToken`) or Google's `id_token`.
 * Non-2xx → `AuthenticationFailedError`; not JSON or no such string → `InvalidTokenResponseError`
 * naming `what` ("the GitHub ID token response").
 */
export async function readTokenField(response: Response, ctx: RequestContext, field: string, what: string, endpoint?: string): Promise<string> {
  const text = await response.text().catch(() => "");
  if (!response.ok) throw failedResponse(response.status, text, ctx, endpoint);
  let value: unknown;
  try {
    value = (JSON.parse(text) as Record<string, unknown> | null)?.[field];
  } catch {
    throw new InvalidTokenResponseError(ctx.provider, `${what} is not JSON`, { status: response.status });
  }
  if (typeof value !== "string" || value === "") throw new InvalidTokenResponseError(ctx.provider, `${what} has no ${field}`, { status: response.status });
  return value;
}

/** The typed error for a non-2xx token response. */
export function failedResponse(status: number, text: string, ctx: RequestContext, endpoint?: string): AuthenticationFailedError {
  let oauthError: string | undefined;
  let description: string | undefined;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (parsed && typeof parsed === "object") {
      if (typeof parsed.error === "string") oauthError = parsed.error;
      else if (typeof parsed.error_code === "string") oauthError = parsed.error_code;
      if (typeof parsed.error_description === "string") description = parsed.error_description;
      else if (typeof parsed.message === "string") description = parsed.message;
    }
  } catch {
    // not JSON: say nothing of the body (it may be an HTML login page)
  }
  const where = endpoint && endpoint !== "(invalid URL)" ? ` at ${endpoint}` : "";
  const code = oauthError ? ` ${scrub(oauthError, ctx.secrets, 60)}` : "";
  const detail = description ? `: ${scrub(description, ctx.secrets)}` : "";
  const redirect = status >= 300 && status < 400 ? " (redirects are not followed)" : "";
  return new AuthenticationFailedError(ctx.provider, `token request${where} failed with HTTP ${status}${code}${detail}${redirect}`, {
    status,
    ...(oauthError ? { oauthError: scrub(oauthError, ctx.secrets, 60) } : {}),
    ...(endpoint && endpoint !== "(invalid URL)" ? { endpoint } : {}),
  });
}

/**
 * `expires_in` / `expires_on` as a number, or undefined when absent. A value that is not a
 * positive number ("soon", 0, -5) is a typed error: read as "never expires" it would keep a dead
 * token for good, and read as "already expired" it would cost one token request per API call.
 */
function lifetimeField(body: Record<string, unknown>, field: "expires_in" | "expires_on", ctx: RequestContext, status: number, endpoint: string | undefined): number | undefined {
  const raw = body[field];
  if (raw === undefined || raw === null || raw === "") return undefined;
  const value = toNumber(raw);
  if (value === undefined || value <= 0) {
    const shown = typeof raw === "number" ? String(raw) : JSON.stringify(scrub(String(raw), ctx.secrets, 40));
    throw new InvalidTokenResponseError(ctx.provider, `the token response has ${field} ${shown}: it must be a positive number of seconds`, { status, ...(endpoint ? { endpoint } : {}) });
  }
  return value;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** `application/x-www-form-urlencoded` body, keys in the given order, undefined values dropped. */
export function formBody(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) params.append(key, value);
  return params.toString();
}

/** Form-encode one component the way RFC 6749 §2.3.1 asks for Basic client credentials. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * `Basic base64(urlencode(id) ":" urlencode(secret))` — RFC 6749 §2.3.1, as golang.org/x/oauth2
 * (and so the Go SDK and the CLI) sends it. Identical to plain Basic for ids and secrets made of
 * letters, digits, `-`, `_`, `.` and `*`.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const bytes = new TextEncoder().encode(`${formEncode(clientId)}:${formEncode(clientSecret)}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

