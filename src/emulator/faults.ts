/**
 * Fault injection for tests and demos: added latency, a rate of 429/503 answers with Retry-After,
 * failing operations, dropping Postgres connections. Change them at run time through
 * `emulator.faults.set(...)` or `POST /emulator/faults`.
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
}

export const DEFAULT_FAULTS: FaultSettings = {
  latencyMs: 0,
  rate429: 0,
  rate503: 0,
  retryAfterSeconds: 1,
  operationFailureRate: 0,
  failOperationKinds: [],
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
    const roll = this.random();
    if (roll < this.settings.rate429) return 429;
    if (roll < this.settings.rate429 + this.settings.rate503) return 503;
    return undefined;
  }

  operationFailure(work: { kind: string }): { error_code: string; message: string } | undefined {
    if (this.settings.failOperationKinds.includes(work.kind) || this.random() < this.settings.operationFailureRate) {
      return { error_code: "INTERNAL_ERROR", message: `The ${work.kind} operation failed (emulator fault injection).` };
    }
    return undefined;
  }
}
