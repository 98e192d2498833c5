/**
 * One way for every wait to report a poll: to the wait's own `onProgress` and to the client's
 * `poll` event (events.ts), with the same facts. Operation waits (operation.ts) and readiness
 * waits (readiness.ts) both go through it, so the two hooks cannot drift apart again.
 */
import type { Operation } from "../../generated/models.js";
import { errorLabel } from "../event-redact.js";
import type { LakebaseEvent, WaitProgress } from "../events.js";

/** Reports one poll (or the report before the first, `polls` 0); `error` for a failed poll the wait goes on through. */
export type ReportPoll<T> = (polls: number, done: boolean, state: string, metadata: T | undefined, error?: unknown) => void;

/**
 * The reporter of one wait; a no-op when nobody listens. What `onProgress` throws is caught and
 * dropped, as for every hook of the SDK: a progress line must not end the wait it draws.
 */
export function pollReporter<T>(
  target: { readonly name: string; readonly kind?: string | undefined },
  elapsed: () => number,
  onProgress: ((progress: WaitProgress<T>) => void) | undefined,
  emit: ((event: LakebaseEvent) => void) | undefined,
): ReportPoll<T> {
  if (!onProgress && !emit) return () => {};
  let previous: string | undefined;
  return (polls, done, state, metadata, error) => {
    const seen = JSON.stringify([done, state, metadata ?? null]);
    const changed = seen !== previous;
    previous = seen;
    const elapsedMs = elapsed();
    if (onProgress) {
      try {
        onProgress({ name: target.name, done, state, metadata, elapsedMs, polls, changed, ...(error === undefined ? {} : { error }) });
      } catch {
        // a progress hook must not end the wait
      }
    }
    emit?.({
      type: "poll",
      name: target.name,
      ...(target.kind ? { kind: target.kind } : {}),
      state,
      done,
      polls,
      elapsedMs,
      ...(error === undefined ? {} : { error: errorLabel(error) }),
    });
  };
}

/** An operation's state word: `"running"`, then `"succeeded"` or `"failed"`. */
export function operationState(operation: Operation): string {
  return operation.done !== true ? "running" : operation.error ? "failed" : "succeeded";
}
