// Turns whatever a command threw into a message on stderr and an exit code: 2 for what the caller
// typed (usage, or an argument the SDK refused before any request), 1 for everything the API or
// the wait said. The SDK's errors never carry a token (it scrubs server echoes), so printing
// their fields is safe.
import { ApiError, NetworkError, OperationTimeoutError, ValidationError } from "lakebase-sdk";
import type { Io } from "./io.js";
import { USAGE, UsageError } from "./usage.js";

export const EXIT_OK = 0;
export const EXIT_API_ERROR = 1;
export const EXIT_USAGE = 2;

export function reportFailure(error: unknown, io: Io, json: boolean): number {
  if (error instanceof UsageError || error instanceof ValidationError) {
    // Usage goes to a human even under --json: a script with a wrong command line needs fixing, not parsing.
    io.stderr.write(`lakebase: ${error.message}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const fields = failureFields(error);
  if (json) io.stderr.write(`${JSON.stringify({ error: fields })}\n`);
  else io.stderr.write(`lakebase: ${humanLine(error, fields)}\n`);
  return EXIT_API_ERROR;
}

/** The stable, script-facing shape of an error (snake_case, as the API's own error body). */
function failureFields(error: unknown): Record<string, unknown> {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      error_code: error.errorCode,
      message: error.serverMessage,
      ...(error.requestId === undefined ? {} : { request_id: error.requestId }),
      ...(error.operationName === undefined ? {} : { operation: error.operationName }),
    };
  }
  if (error instanceof OperationTimeoutError) {
    return { error_code: "WAIT_TIMEOUT", message: error.message, operation: error.operationName };
  }
  if (error instanceof NetworkError) return { error_code: "NETWORK_ERROR", message: error.message };
  return { error_code: "UNEXPECTED", message: error instanceof Error ? error.message : String(error) };
}

function humanLine(error: unknown, fields: Record<string, unknown>): string {
  if (error instanceof ApiError) {
    const where = error.operationName === undefined ? "" : `operation ${error.operationName} failed: `;
    const id = error.requestId === undefined ? "" : ` (request id ${error.requestId})`;
    return `${where}${error.status} ${error.errorCode}: ${error.serverMessage}${id}`;
  }
  if (error instanceof OperationTimeoutError) {
    // The operation keeps running on the server: say how to pick it up, in this CLI's terms.
    return `${error.operationName} is still running after ${(error.elapsedMs / 1000).toFixed(1)} s; wait again with: lakebase operations wait ${error.operationName}`;
  }
  return String(fields.message);
}
