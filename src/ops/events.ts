/**
 * The client's events: what `createCoreClient({ onEvent })` and the debug logger hear. Types only,
 * plus the sink the layers emit through; at the bottom of the stack so that the transport, the
 * waits, the lists and the token providers in auth/ share one vocabulary. Every event is built
 * only when someone listens (the context has no sink otherwise), and none carries a token, a
 * secret, an `Authorization` header, a page token or a credential value (see event-redact.ts), and
 * none carries headers: the one worth having, the request id, is a field of `response`.
 */

/** What every event of one API call carries. */
export interface CallEventBase {
  /** Numbers the calls of one client (1, 2, …): pairs a `request` with its `retry`s and its `response`. */
  readonly callId: number;
  /** The spec's operation id, e.g. `"ListBranches"`. */
  readonly operationId: string;
  /** The HTTP verb, upper case. */
  readonly method: string;
  /** The path template, e.g. `/api/2.0/postgres/projects/{project_id}/branches` (no ids, no query). */
  readonly path: string;
}

/** An API call starts (once per call, however many attempts it takes). */
export interface RequestEvent extends CallEventBase {
  readonly type: "request";
  /** The URL sent, query included, with the `page_token` value masked. */
  readonly url: string;
  /** The JSON body as sent, with secret-named fields masked: only with `includeBodies`. */
  readonly body?: unknown;
}

/** An API call ends: its final answer, or the error that left it without one. */
export interface ResponseEvent extends CallEventBase {
  readonly type: "response";
  /** The HTTP status of the final answer; absent when none came (network failure, timeout, abort: see `error`). */
  readonly status?: number;
  /** The server's `x-request-id` (or `x-databricks-request-id`), for a support ticket. */
  readonly requestId?: string;
  /**
   * The answer's `Warning` header, when it has one (RFC 7234 form, `299 - "…"`): how a server says
   * it did something other than asked without failing the call, such as the emulator running a
   * project on another PostgreSQL major than its `pg_version` (docs/api-behaviour.md).
   */
  readonly warning?: string;
  /** From the `request` event to the end of the last answer's body, retry sleeps included. */
  readonly durationMs: number;
  /** How many attempts the call took (1 without retries). */
  readonly attempt: number;
  /** `"<ErrorClass>: <message>"` (redacted) when the call ended without an answer. */
  readonly error?: string;
  /** The answer's body, parsed when JSON, with secret-named fields masked: only with `includeBodies`. */
  readonly body?: unknown;
}

/** An attempt failed in a way worth retrying; the next one comes after `delayMs`. */
export interface RetryEvent extends CallEventBase {
  readonly type: "retry";
  /** e.g. `"HTTP 429"`, `"HTTP 400 RESOURCE_EXHAUSTED"`, `"network error ECONNREFUSED"`. */
  readonly reason: string;
  readonly delayMs: number;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  /** What is left of the retry budget (`retry.budgetMs`) before this sleep. */
  readonly budgetLeftMs: number;
  /** Retries still allowed after this one (`retry.maxRetries`). */
  readonly retriesLeft: number;
}

/** One poll of a wait: an operation's `wait()` (also the report before its first poll) or an endpoint's `waitForReady()`. */
export interface PollEvent {
  readonly type: "poll";
  /** The operation name, or the name of the resource waited on. */
  readonly name: string;
  /** The mutation's operation id (`"CreateBranch"`) for an operation wait. */
  readonly kind?: string;
  /** See {@link WaitProgress.state}. */
  readonly state: string;
  readonly done: boolean;
  readonly polls: number;
  readonly elapsedMs: number;
  /** `"<ErrorClass>: <message>"` (redacted) for a failed poll that the wait goes on through. */
  readonly error?: string;
}

/** A list walk read one page. */
export interface PageEvent {
  readonly type: "page";
  readonly operationId: string;
  /** Items on this page. */
  readonly items: number;
  /** The page's number in this walk (1-based; `.page(token)` reads page 1 of a one-page walk). */
  readonly page: number;
  /** Whether the server gave a token for a next page (the token itself is never in an event). */
  readonly hasNext: boolean;
}

/** A refresh of a token by one of the SDK's refreshable providers (`cachedTokenProvider` and every provider built on it). */
export interface TokenRefreshEvent {
  readonly type: "token_refresh";
  /** The provider's credential type, e.g. `"oauth-m2m"`. */
  readonly provider: string;
  /** Why: the token went stale (background), expired (blocking), or a caller forced it (after a 401). */
  readonly trigger: "background" | "blocking" | "forced";
  readonly outcome: "ok" | "error";
  /** Same as `outcome === "ok"`. */
  readonly ok: boolean;
  readonly durationMs: number;
  /** Expiry of the new token (epoch ms), when it has one. */
  readonly expiresAt?: number;
  /** The error's class name and (redacted) message. */
  readonly error?: { readonly name: string; readonly message: string };
}

/** Everything the client reports, told apart by `type`. */
export type LakebaseEvent = RequestEvent | ResponseEvent | RetryEvent | PollEvent | PageEvent | TokenRefreshEvent;

/** A listener for the client's events. What it throws is caught and dropped: it never breaks a call. */
export type LakebaseEventListener = (event: LakebaseEvent) => void;

/**
 * A wait's progress, reported on every poll to `onProgress` by an operation's `wait()` (and once
 * before its first poll, with `polls: 0`) and by `waitForReady()`.
 */
export interface WaitProgress<TDetail = unknown> {
  /** The operation name, or the name of the resource waited on. */
  readonly name: string;
  /** The operation is done, or the resource is ready. */
  readonly done: boolean;
  /**
   * A short word for where it stands: `"running"`, `"succeeded"` or `"failed"` for an operation;
   * the resource's `current_state` (`"ACTIVE"`, or `"INIT→ACTIVE"` while a `pending_state` is set)
   * for a readiness wait.
   */
  readonly state: string;
  /** The operation's metadata; for a readiness wait, the resource as last read. */
  readonly metadata: TDetail | undefined;
  readonly elapsedMs: number;
  /** Polls answered or failed so far (0 for the report before the first poll). */
  readonly polls: number;
  /** Whether `done`, `state` or `metadata` differ from the previous report (always true for the first). */
  readonly changed: boolean;
  /** Set when this report is for a failed poll (a network failure, a 5xx, a throttled poll) that the wait goes on through. */
  readonly error?: unknown;
}

/**
 * @internal How the layers of one client emit: a function (emit an event) that carries the
 * client's choices. Absent from the context when nobody listens.
 */
export interface EventSink {
  (event: LakebaseEvent): void;
  /** API calls numbered so far (the last `callId`). */
  calls: number;
  readonly includeBodies: boolean;
}

/** @internal One sink for many listeners, each isolated: a listener that throws neither breaks the call nor silences the others. */
export function createEventSink(listeners: readonly LakebaseEventListener[], includeBodies: boolean): EventSink | undefined {
  const sink = (event: LakebaseEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // a listener must not break the call it observes
      }
    }
  };
  return listeners.length ? Object.assign(sink, { calls: 0, includeBodies }) : undefined;
}
