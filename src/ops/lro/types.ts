import type { Models } from "../../generated/models.js";
import type { OperationId, operations } from "../../generated/operations.js";

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

/** A state change seen while waiting: enough for a CLI to draw a spinner or a progress line. */
export interface OperationProgress<TMeta = unknown> {
  readonly name: string;
  readonly done: boolean;
  readonly metadata: TMeta | undefined;
  readonly elapsedMs: number;
  readonly polls: number;
  /** Set when this report is for a failed poll (a network failure, a 5xx, a throttled poll). */
  readonly error?: unknown;
}

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
  /** Called on every state change (done, metadata) and every failed poll, with elapsed time and poll count. */
  readonly onProgress?: (progress: OperationProgress<TMeta>) => void;
}
