/**
 * Abortable sleep. Runtime-neutral (no Node-only APIs), so it works in edge runtimes.
 */

/** The reason an aborted signal carries, or a standard AbortError DOMException. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/**
 * Resolve after `ms` milliseconds. If `signal` is (or becomes) aborted, reject promptly with
 * the signal's reason and clear the timer. Non-finite or negative delays are treated as 0.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, delay);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Race `promise` against `signal`: reject with the signal's reason as soon as it aborts, even if
 * the underlying work ignores the signal. A later rejection of `promise` is swallowed.
 */
export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => {});
      reject(abortReason(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** AbortSignal.any where present (Node 20.3+, browsers, workerd); a small fallback elsewhere. */
export function anySignal(signals: readonly AbortSignal[]): AbortSignal {
  const any = (AbortSignal as { any?: (s: AbortSignal[]) => AbortSignal }).any;
  if (any) return any([...signals]);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/** A time limit the SDK holds itself; see {@link startDeadline}. */
export interface Deadline {
  /** Aborted with the limit's error when the time is up or the linked signal aborts (for passing on to fetch and providers). */
  readonly signal: AbortSignal;
  /** Whether the time is up. */
  readonly expired: boolean;
  /** `promise`, or a rejection with the limit's error (or the linked signal's reason) as soon as it ends, whichever comes first. */
  race<T>(promise: Promise<T>): Promise<T>;
  /** Stops the timer (call it when the work is done, so no timer keeps a process alive). */
  clear(): void;
}

/**
 * Starts a time limit of `ms` milliseconds whose expiry rejects every `race()` with `reason()`.
 * A linked signal (the caller's) ends it early with that signal's reason: one mechanism bounds an
 * attempt by both, for one listener on the caller's signal and none per race.
 *
 * Why not `AbortSignal.timeout` or a signal handed to fetch alone: the runtime holds those weakly
 * (a timeout signal, one derived by `AbortSignal.any`, the copy inside `new Request(…, { signal })`),
 * and on Node 20 a garbage collection during a stalled body read drops the link, so the read never
 * ends. A `setTimeout` keeps its callback, and through it the rejecters, alive until it fires.
 */
export function startDeadline(ms: number, reason: () => unknown, link?: AbortSignal): Deadline {
  const controller = new AbortController();
  const rejecters = new Set<(error: unknown) => void>();
  let expired = false;
  let ended = false;
  let error: unknown;
  const end = (why: unknown): void => {
    if (ended) return;
    ended = true;
    error = why;
    controller.abort(why);
    for (const reject of rejecters) reject(why);
    rejecters.clear();
  };
  const onLinkAbort = () => end(abortReason(link!));
  const timer = setTimeout(() => {
    expired = true;
    end(reason());
  }, Math.max(0, ms));
  if (link?.aborted) onLinkAbort();
  else link?.addEventListener("abort", onLinkAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    race<T>(promise: Promise<T>): Promise<T> {
      if (ended) {
        promise.catch(() => {});
        return Promise.reject(error);
      }
      return new Promise<T>((resolve, reject) => {
        rejecters.add(reject);
        promise.then(
          (value) => {
            rejecters.delete(reject);
            resolve(value);
          },
          (failure: unknown) => {
            rejecters.delete(reject);
            reject(failure);
          },
        );
      });
    },
    clear() {
      clearTimeout(timer);
      rejecters.clear();
      link?.removeEventListener("abort", onLinkAbort);
    },
  };
}
