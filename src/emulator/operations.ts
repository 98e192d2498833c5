import { newOperationId } from "./ids.js";
import type { Faults } from "./faults.js";

export interface StoredOperation {
  name: string;
  done: boolean;
  metadata: { "@type": string };
  response?: Record<string, unknown>;
  error?: { error_code: string; message: string; details?: unknown[] };
}

export interface OperationWork {
  /** The resource name the operation is nested under. */
  readonly resource: string;
  /** Proto message name of the resource kind ("Branch"), for the metadata/response @type. */
  readonly kind: string;
  /** The change itself; returns the resource for create/update, undefined for delete. */
  readonly run: () => Promise<Record<string, unknown> | undefined>;
  /**
   * Undoes what the handler did before the operation finished, when it fails (its work threw, or a
   * fault was injected): a create whose operation failed leaves no resource behind.
   */
  readonly rollback?: () => Promise<void> | void;
}

const TYPE = "type.googleapis.com/databricks.postgres.v1.";

/**
 * When and on what an operation ran, kept beside it for the dashboard's timeline: not part of the
 * API's Operation (GetOperation answers only name, done, metadata, response or error).
 */
export interface OperationTiming {
  readonly name: string;
  /** Proto message name of the resource kind ("Branch"). */
  readonly kind: string;
  /** The resource the operation works on. */
  readonly resource: string;
  /** The API method that started it ("CreateBranch"), when the server said (see `label`). */
  method?: string;
  /** Epoch ms. */
  readonly submittedAt: number;
  /** Epoch ms, once done. */
  finishedAt?: number;
}

/** Thrown by an operation's work to fail it with this `error_code` and message as they are (any other error is INTERNAL_ERROR). */
export class OperationError extends Error {
  constructor(readonly errorCode: string, message: string) {
    super(message);
  }
}

/**
 * Long-running operations that really run: every mutation answers `done: false` at once; the
 * work runs in the background and the operation is done after at least `latencyMs`.
 */
export class OperationStore {
  readonly #ops = new Map<string, StoredOperation>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #timings = new Map<string, OperationTiming>();

  /** Called each time an operation finishes (a data directory saves its state then). */
  onSettled: () => void = () => {};

  constructor(private readonly latencyMs: () => number, private readonly faults: Faults) {}

  start(work: OperationWork): StoredOperation {
    const op: StoredOperation = {
      name: `${work.resource}/operations/${newOperationId()}`,
      done: false,
      metadata: { "@type": `${TYPE}${work.kind}OperationMetadata` },
    };
    this.#ops.set(op.name, op);
    const timing: OperationTiming = { name: op.name, kind: work.kind, resource: work.resource, submittedAt: Date.now() };
    this.#timings.set(op.name, timing);
    const failure = this.faults.operationFailure(work);
    const task = Promise.all([work.run(), new Promise((r) => setTimeout(r, this.latencyMs()).unref?.())])
      .then(([resource]) => {
        if (failure) {
          op.error = failure;
        } else {
          op.response = resource ? { "@type": `${TYPE}${work.kind}`, ...resource } : { "@type": "type.googleapis.com/google.protobuf.Empty" };
        }
      })
      .catch((error: unknown) => {
        op.error =
          error instanceof OperationError
            ? { error_code: error.errorCode, message: error.message }
            : { error_code: "INTERNAL_ERROR", message: `operation failed: ${(error as Error)?.message ?? String(error)}` };
      })
      // Before `done`: whoever sees the failure sees the state without the failed change.
      .then(() => (op.error ? work.rollback?.() : undefined))
      .catch(() => undefined)
      .finally(() => {
        op.done = true;
        timing.finishedAt = Date.now();
        this.#pending.delete(task);
        this.onSettled();
      });
    this.#pending.add(task);
    return { ...op };
  }

  /**
   * Names the API method that started operation `name` (the server knows it; the handler's work
   * does not). The first answer carrying the operation is the one that started it: later ones
   * (GetOperation) are ignored.
   */
  label(name: string, method: string): void {
    const timing = this.#timings.get(name);
    if (timing && timing.method === undefined) timing.method = method;
  }

  /** The last `limit` operations started by this run, oldest first, each with its timing (the dashboard's timeline). */
  recent(limit: number): { operation: StoredOperation; timing: OperationTiming }[] {
    return [...this.#timings.values()].slice(-limit).map((timing) => ({ operation: structuredClone(this.#ops.get(timing.name)!), timing: { ...timing } }));
  }

  get(name: string): StoredOperation | undefined {
    const op = this.#ops.get(name);
    return op && structuredClone(op);
  }

  /** Every operation, finished or not, as plain JSON (a data directory's state file). */
  exportAll(): StoredOperation[] {
    return [...this.#ops.values()].map((op) => structuredClone(op));
  }

  /**
   * Loads operations saved by an earlier run. One saved unfinished (the emulator was killed while
   * it ran: a clean stop waits for every operation) is finished now as failed with ABORTED, since
   * its work died with that process; its resource may be half made (read it, or delete it and retry).
   */
  importAll(operations: readonly StoredOperation[]): void {
    for (const saved of operations) {
      const op = structuredClone(saved);
      if (!op.done) {
        op.done = true;
        op.error = { error_code: "ABORTED", message: "The emulator stopped before this operation finished; its resource may be incomplete. Read the resource, or delete it and try again." };
      }
      this.#ops.set(op.name, op);
    }
  }

  /** Waits for every operation in flight (used on stop). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }
}
