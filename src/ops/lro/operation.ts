import type { Operation } from "../../generated/models.js";
import { InvalidResponseError } from "../call.js";
import { apiErrorFromOperation, NetworkError, ValidationError } from "../errors.js";
import { anySignal, raceAbort, sleep, startDeadline } from "../sleep.js";
import {
  DEFAULT_MAX_POLL_INTERVAL_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_WAIT_TIMEOUT_MS,
  checkWaitOptions,
  POLL_ELAPSED_FRACTION,
  pollDelay,
  PollFailures,
  QUICK_POLL_CAP_MS,
  type PollSchedule,
} from "./backoff.js";
import { OperationTimeoutError } from "./errors.js";
import { operationState, pollReporter } from "./progress.js";
import type { WaitOptions } from "./types.js";
import type { LakebaseEvent } from "../events.js";

/** How a handle reaches the server: one GetOperation, with the server's Retry-After if it sent one. */
export interface OperationDriver {
  getOperation(name: string, signal?: AbortSignal): Promise<{ operation: Operation; retryAfterMs?: number }>;
  readonly now: () => number;
  readonly random: () => number;
  /** The client's event sink, when it has listeners: each poll is a `poll` event. */
  readonly emit?: ((event: LakebaseEvent) => void) | undefined;
}

export interface OperationKind {
  /** The operation id of the mutation (e.g. "CreateBranch"), for typed resumption. */
  readonly kind?: string;
  /** The schema `response` decodes to; "Empty" for deletes; undefined when unknown (returned as sent). */
  readonly resultSchema?: string;
}

/**
 * The handle of a long-running operation. Await it for the typed result (`await
 * client.branches.create(…)` yields the Branch; deletes yield `undefined`), or keep it without
 * awaiting (the `--no-wait` mode): `submitted()` gives the server's Operation with its `name`,
 * `poll()` refreshes once, `wait()` waits with options.
 *
 * It is a real `Promise` of the result (returnable where a `Promise` is expected, `instanceof
 * Promise`, `.catch((e: Error) => …)` types as on any promise), with one difference: nothing is
 * polled until someone awaits it or calls `then`/`catch`/`finally`. The first of those starts the
 * default wait; every later one shares it. A handle nobody awaits never polls and never rejects,
 * so a fire-and-forget mutation cannot surface as an unhandled rejection.
 */
export class OperationHandle<TResult, TMeta = unknown> extends Promise<TResult> {
  /**
   * Promises derived from the handle (`then`, `catch`, `finally`) are plain Promises: they are
   * results of the wait, not operations, and building one must not call this constructor.
   */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #driver: OperationDriver;
  readonly #kind: OperationKind;
  readonly #submitted: Promise<Operation>;
  readonly #resolve: (value: TResult) => void;
  readonly #reject: (reason: unknown) => void;
  #latest: Operation | undefined;
  #waiting = false;

  /** @internal Created by the client: `submit` is the mutation request, already in flight. */
  constructor(driver: OperationDriver, kind: OperationKind, submit: Promise<Operation>) {
    // Promise's statics (OperationHandle.resolve, .all, …) would call this with an executor.
    if (typeof driver === "function") {
      throw new TypeError("an OperationHandle comes from a client method; use Promise.resolve, Promise.all, … for plain promises");
    }
    // The promise settles only through #startDefaultWait: the executor just keeps its settlers.
    let settlers!: { resolve: (value: TResult) => void; reject: (reason: unknown) => void };
    super((resolve, reject) => {
      settlers = { resolve, reject };
    });
    this.#resolve = settlers.resolve;
    this.#reject = settlers.reject;
    this.#driver = driver;
    this.#kind = kind;
    this.#submitted = submit.then((operation) => {
      if (typeof operation?.name !== "string" || operation.name === "") {
        throw new InvalidResponseError(`${kind.kind ?? "operation"}: the server answered without an operation name`, 200);
      }
      this.#latest = operation;
      return operation;
    });
    // A handle nobody awaits (fire and forget) must not crash the process with an unhandled
    // rejection; the error is still delivered to whoever calls submitted(), poll(), wait() or then().
    this.#submitted.catch(() => undefined);
  }

  /** The operation name (`…/operations/{id}`), once the server has answered the mutation. */
  get name(): string | undefined {
    return this.#latest?.name;
  }

  /** Whether the last seen state is done. */
  get done(): boolean {
    return this.#latest?.done === true;
  }

  /** The metadata of the last seen state. */
  get metadata(): TMeta | undefined {
    return this.#latest?.metadata as TMeta | undefined;
  }

  /** The last Operation seen (initial answer or latest poll). */
  get latest(): Operation | undefined {
    return this.#latest;
  }

  /** Resolves with the server's first answer (the Operation), or rejects with the mutation's typed error. */
  submitted(): Promise<Operation> {
    return this.#submitted;
  }

  /** One GetOperation; updates `done`, `metadata`, `latest`. */
  async poll(options: { signal?: AbortSignal } = {}): Promise<Operation> {
    const { name } = await this.#submitted;
    const { operation } = await this.#driver.getOperation(name!, options.signal);
    this.#latest = operation;
    return operation;
  }

  /**
   * Polls until done and returns the typed result. A failed operation throws the same typed error
   * classes as an HTTP error; a timeout throws OperationTimeoutError carrying the name to resume.
   */
  async wait(options: WaitOptions<TMeta> = {}): Promise<TResult> {
    checkWaitOptions(options);
    const driver = this.#driver;
    const initial = await this.#submitted;
    const name = initial.name!;
    const start = driver.now();
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    const schedule: PollSchedule = {
      initialMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      maxMs: options.maxPollIntervalMs ?? DEFAULT_MAX_POLL_INTERVAL_MS,
      quickCapMs: QUICK_POLL_CAP_MS,
      elapsedFraction: POLL_ELAPSED_FRACTION,
      random: driver.random,
    };
    let polls = 0;
    const reportPoll = pollReporter<TMeta>({ name, kind: this.#kind.kind }, () => driver.now() - start, options.onProgress, driver.emit);
    const report = (operation: Operation, error?: unknown) =>
      reportPoll(polls, operation.done === true, operationState(operation), operation.metadata as TMeta | undefined, error);

    let current = this.#latest ?? initial;
    report(current);
    // The official SDKs poll before trusting the first answer; a first answer that is already
    // done and carries its outcome is final, so it is used as is.
    if (current.done && (current.error || current.response || this.#kind.resultSchema === "Empty")) {
      return this.#settle(current);
    }
    // The whole wait, a poll in flight included, ends at timeoutMs (the SDK's own timer, see
    // startDeadline); a poll cut short is also aborted on the wire.
    const timeout = () => new OperationTimeoutError(name, this.#kind.kind, driver.now() - start, polls);
    const deadline = startDeadline(timeoutMs, timeout);
    const pollSignal = options.signal ? anySignal([options.signal, deadline.signal]) : deadline.signal;
    const failures = new PollFailures();
    const resumable = (error: NetworkError) =>
      new NetworkError({ host: error.host, method: error.method, path: error.path, cause: error.cause, outcomeUnknown: false, operationName: name });
    try {
      for (let n = 0; ; n++) {
        options.signal?.throwIfAborted();
        let serverAskMs = 0;
        let polled: Operation | undefined;
        try {
          const { operation, retryAfterMs } = await raceAbort(deadline.race(driver.getOperation(name, pollSignal)), options.signal);
          polled = operation;
          serverAskMs = retryAfterMs ?? 0;
          failures.succeeded();
        } catch (error) {
          if (deadline.expired || options.signal?.aborted) throw error;
          polls += 1;
          report(current, error);
          serverAskMs = failures.failed(error, resumable); // a 429/503 the transport gave back: never poll sooner
        }
        if (polled) {
          polls += 1;
          current = polled;
          this.#latest = polled;
          report(polled);
          // Outside the try: a failed operation's error (even a 5xx-class one) ends the wait.
          if (polled.done) return this.#settle(polled);
        }
        const elapsed = driver.now() - start;
        const delay = pollDelay(schedule, { attempt: n, elapsedMs: elapsed, serverAskMs });
        if (elapsed + delay > timeoutMs) throw timeout();
        await sleep(delay, options.signal);
      }
    } finally {
      deadline.clear();
    }
  }

  /**
   * Awaiting the handle waits with the default options (once, however often it is awaited).
   * `catch` and `finally` are Promise's own: they call this `then`.
   */
  override then<A = TResult, B = never>(
    onFulfilled?: ((value: TResult) => A | PromiseLike<A>) | null,
    // `any` as on Promise#then, so that `.catch((e: Error) => …)` type-checks as on any promise.
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.#startDefaultWait();
    return super.then(onFulfilled, onRejected);
  }

  #startDefaultWait(): void {
    if (this.#waiting) return;
    this.#waiting = true;
    this.wait().then(this.#resolve, this.#reject);
  }

  toJSON(): { name: string | undefined; done: boolean } {
    return { name: this.name, done: this.done };
  }

  #settle(operation: Operation): TResult {
    const name = operation.name ?? this.name ?? "(unnamed)";
    if (operation.error) throw apiErrorFromOperation(operation.error, name);
    if (this.#kind.resultSchema === "Empty") return undefined as TResult;
    const response = operation.response as Record<string, unknown> | undefined;
    if (!response || typeof response !== "object") {
      throw new InvalidResponseError(`operation ${name} is done but carries neither a response nor an error`, 200);
    }
    const { "@type": type, ...resource } = response;
    checkResultType(type, this.#kind, name);
    // Without a known result (an operation resumed by name alone), the response says what it is:
    // `google.protobuf.Empty` for deletes and undeletes, else the resource.
    if (!this.#kind.resultSchema && typeof type === "string" && type.endsWith("google.protobuf.Empty")) return undefined as TResult;
    return resource as TResult;
  }
}

/**
 * A handle resumed with a `kind` (`operations.resume(name, "CreateBranch")`) types its result from
 * that kind; an operation that turns out to be of another kind (a response `@type` naming another
 * resource, or `google.protobuf.Empty` where a resource was expected) would hand back a value of
 * the wrong type, so it is refused with what the response was.
 */
function checkResultType(type: unknown, kind: OperationKind, name: string): void {
  if (!kind.kind || !kind.resultSchema || typeof type !== "string") return;
  const sent = type.slice(type.lastIndexOf(".") + 1);
  if (sent === "" || sent === kind.resultSchema) return;
  throw new ValidationError(
    "kind",
    `operation ${name} finished with ${sent === "Empty" ? "no resource (google.protobuf.Empty)" : `a ${sent}`}, but was resumed as ${kind.kind} (which yields a ${kind.resultSchema}); resume it with the kind that started it, or without a kind`,
  );
}

