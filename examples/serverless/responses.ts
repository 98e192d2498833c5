// JSON answers, and the mapping of the SDK's errors to HTTP statuses for the handler's callers: a
// bad request from them is 400, a missing operation 404, anything the Lakebase API said otherwise
// 502 (the upstream failed, not this function) with its error code and request id for support.
import { ApiError, NotFoundError, ValidationError } from "lakebase-sdk";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export function errorResponse(error: unknown): Response {
  if (error instanceof ValidationError) return json(400, { error: "INVALID_REQUEST", message: error.message });
  if (error instanceof NotFoundError) return json(404, { error: error.errorCode, message: error.serverMessage, request_id: error.requestId });
  if (error instanceof ApiError) {
    return json(502, { error: error.errorCode, status: error.status, message: error.serverMessage, request_id: error.requestId });
  }
  // The SDK scrubs tokens from its errors; anything else is not shown to the caller.
  return json(500, { error: "INTERNAL", message: "unexpected error" });
}
