import type { Models } from "../../generated/models.js";
import type { OperationId, operations } from "../../generated/operations.js";
import type { WaitProgress } from "../events.js";

type Table = typeof operations;

/** Operation ids whose HTTP answer is a long-running Operation (every mutation). */
export type LroOperationId = {
  [K in OperationId]: Table[K]["lro"] extends { readonly response: string } ? K : never;
}[OperationId];

type SchemaOf<N> = N extends keyof Models ? Models[N] : unknown;

/** What awaiting the operation yields: the resource for creates/updates, `void` for deletes/undeletes. */
export type LroResult<K extends LroOperationId> = Table[K]["lro"] extends { readonly response: infer N }
  ? N extends "Empty"
    ? void
    : SchemaOf<N>
  : never;

/** The metadata schema of an operation (empty objects today, with an "@type"). */
export type LroMetadata<K extends LroOperationId> = Table[K]["lro"] extends { readonly metadata: infer N } ? SchemaOf<N> : never;

/** What an operation's `wait()` reports on every poll: the one progress type of every wait ({@link WaitProgress}). */
export type OperationProgress<TMeta = unknown> = WaitProgress<TMeta>;

export interface WaitOptions<TMeta = unknown> {
  /** Cancels the wait (and any poll in flight). The operation itself keeps running on the server. */
  readonly signal?: AbortSignal;
  /** Upper bound for the whole wait (default 20 minutes). On expiry an OperationTimeoutError carries the name to resume. */
  readonly timeoutMs?: number;
  /**
   * First delay between polls (default 500 ms). It grows ×1.5 (±25 % jitter) to 2 s, where it stays
   * while the wait is young; from 20 s on it is a tenth of the time waited, up to
   * `maxPollIntervalMs`. Most operations end within seconds and are seen within ~2 s of it.
   */
  readonly pollIntervalMs?: number;
  /** Cap of the delay between polls (default 10 s). A server's Retry-After may ask for more; it is honoured. */
  readonly maxPollIntervalMs?: number;
  /**
   * Called on every poll, failed ones included (with `error`), and once before the first (`polls`
   * 0): elapsed time, poll count, state, metadata, and whether anything `changed`. The same hook
   * and payload as `waitForReady`'s. What it throws is ignored.
   */
  readonly onProgress?: (progress: WaitProgress<TMeta>) => void;
}
