import { LakebaseError } from "../errors.js";

/** A wait ran out of time. The thing waited on is still there: the fields say how to pick it up again. */
export class WaitTimeoutError extends LakebaseError {
  static override readonly typeName: string = "WaitTimeoutError";

  /** The resource or operation name that was being waited on. */
  readonly resource: string;
  readonly elapsedMs: number;
  readonly polls: number;
  constructor(message: string, resource: string, elapsedMs: number, polls: number) {
    super(message);
    this.resource = resource;
    this.elapsedMs = elapsedMs;
    this.polls = polls;
  }
}

/** An operation was not done within the wait's budget. Resume it by `operationName`. */
export class OperationTimeoutError extends WaitTimeoutError {
  static override readonly typeName: string = "OperationTimeoutError";

  readonly operationName: string;
  /** The operation kind to pass to `client.operations.resume(name, kind)`, when known. */
  readonly operationKind?: string;
  constructor(operationName: string, operationKind: string | undefined, elapsedMs: number, polls: number) {
    const resume = operationKind
      ? `client.operations.resume(${JSON.stringify(operationName)}, ${JSON.stringify(operationKind)})`
      : `client.operations.resume(${JSON.stringify(operationName)})`;
    super(
      `operation ${operationName} was not done after ${(elapsedMs / 1000).toFixed(1)} s (${polls} polls); it is still running — resume the wait with ${resume}`,
      operationName,
      elapsedMs,
      polls,
    );
    this.operationName = operationName;
    this.operationKind = operationKind;
  }
}

/** A pagination walk met a page token it had already followed: the server would loop forever. */
export class PaginationLoopError extends LakebaseError {
  static override readonly typeName: string = "PaginationLoopError";

  readonly pageToken: string;
  constructor(operationId: string, pageToken: string) {
    super(`${operationId}: the server returned page token "${pageToken.slice(0, 40)}" a second time; stopping instead of looping`);
    this.pageToken = pageToken;
  }
}
