/**
 * Fault injection for tests and demos: added latency, a rate of 429/503 answers with Retry-After,
 * the next N answers 429/503, failing operations, dropping Postgres connections. Change them at run
 * time through `emulator.faults.set(...)`, `POST /emulator/faults` or the dashboard's knobs.
 */
export interface FaultSettings {
  /** Extra latency added to every API answer, in milliseconds. */
  latencyMs: number;
  /** Fraction (0–1) of API requests answered 429 REQUEST_LIMIT_EXCEEDED with Retry-After. */
  rate429: number;
  /** Fraction (0–1) of API requests answered 503 TEMPORARILY_UNAVAILABLE with Retry-After. */
  rate503: number;
  /** Retry-After seconds sent with injected 429/503 answers. */
  retryAfterSeconds: number;
  /** Fraction (0–1) of long-running operations that finish with an error. */
  operationFailureRate: number;
  /** Operation kinds ("Branch", "Endpoint", …) that always fail. */
  failOperationKinds: string[];
  /** The next this many API requests are answered 429 (counts down; before the rates). */
  next429: number;
  /** The next this many API requests are answered 503 (counts down; after `next429`). */
  next503: number;
  /** The next this many long-running operations finish with an error (counts down). */
  failNextOperations: number;
}

export const DEFAULT_FAULTS: FaultSettings = {
  latencyMs: 0,
  rate429: 0,
  rate503: 0,
  retryAfterSeconds: 1,
  operationFailureRate: 0,
  failOperationKinds: [],
  next429: 0,
  next503: 0,
  failNextOperations: 0,
};

export class Faults {
  settings: FaultSettings;
  constructor(initial: Partial<FaultSettings> = {}, private readonly random: () => number = Math.random) {
    this.settings = { ...DEFAULT_FAULTS, ...initial };
  }

  set(patch: Partial<FaultSettings>): FaultSettings {
    for (const [key, value] of Object.entries(patch)) {
      if (!(key in DEFAULT_FAULTS)) throw new TypeError(`unknown fault setting ${key}`);
      (this.settings as unknown as Record<string, unknown>)[key] = value;
    }
    return this.settings;
  }

  reset(): void {
    this.settings = { ...DEFAULT_FAULTS };
  }

  /** The injected HTTP failure for this request, if any. */
  httpFailure(): 429 | 503 | undefined {
    if (this.settings.next429 > 0) return (this.settings.next429--, 429);
    if (this.settings.next503 > 0) return (this.settings.next503--, 503);
    const roll = this.random();
    if (roll < this.settings.rate429) return 429;
    if (roll < this.settings.rate429 + this.settings.rate503) return 503;
    return undefined;
  }

  operationFailure(work: { kind: string }): { error_code: string; message: string } | undefined {
    if (this.settings.failNextOperations > 0) {
      this.settings.failNextOperations--;
      return { error_code: "INTERNAL_ERROR", message: `The ${work.kind} operation failed (emulator fault injection: fail the next operation).` };
    }
    if (this.settings.failOperationKinds.includes(work.kind) || this.random() < this.settings.operationFailureRate) {
      return { error_code: "INTERNAL_ERROR", message: `The ${work.kind} operation failed (emulator fault injection).` };
    }
    return undefined;
  }
}
