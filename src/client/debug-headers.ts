/**
 * `debug_headers` (`DATABRICKS_DEBUG_HEADERS=true`): one line per exchange with the request's and
 * the response's headers (docs/auth.md#knobs). Unlike the Go SDK, which prints `Authorization`
 * verbatim when asked, every credential-bearing header is shown as `***` (the scheme word kept):
 * a debug log is where tokens leak from.
 */
import type { FetchLike } from "../ops/retry.js";

const SECRET_HEADER = /authorization|token|secret|password|cookie|api-key|credential/i;

/** Headers as a plain object, credential-bearing values replaced by `***`. */
export function redactedHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!SECRET_HEADER.test(name)) out[name] = value;
    else {
      const scheme = /^(Bearer|Basic)\s/i.exec(value);
      out[name] = scheme ? `${scheme[1]} ***` : "***";
    }
  });
  return out;
}

/** `fetchImpl` that writes each exchange's redacted headers to `log`. */
export function headerLoggingFetch(log: (line: string) => void, fetchImpl?: FetchLike): FetchLike {
  return async (request) => {
    const response = await (fetchImpl ?? ((r: Request) => globalThis.fetch(r)))(request);
    try {
      const url = new URL(request.url);
      log(`lakebase-sdk headers ${JSON.stringify({ method: request.method, path: url.pathname, request: redactedHeaders(request.headers), status: response.status, response: redactedHeaders(response.headers) })}`);
    } catch {
      // a logger must not break the call
    }
    return response;
  };
}
