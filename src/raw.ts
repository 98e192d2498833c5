/**
 * `lakebase-sdk/raw`: the [openapi-fetch](https://openapi-ts.dev/openapi-fetch/) client typed for
 * every path of the spec, going through a client's auth, retry and timeout stack. An escape hatch
 * for what the typed methods do not cover; kept out of the core entry so its bundle carries no
 * openapi-fetch.
 */
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./generated/openapi.js";
import { contextOf, type Lakebase } from "./ops/context.js";
import type { Transport } from "./ops/exchange.js";

export type { paths } from "./generated/openapi.js";

/** Path parameters spliced verbatim (the spec's `x-verbatim`): operation names contain `/`, `+` and `=`. */
const VERBATIM = new Set(["operation_name"]);

/** The openapi-fetch client of `lakebase` (from createLakebaseClient or createCoreClient). */
export function rawClient(lakebase: Lakebase): Client<paths> {
  const ctx = contextOf(lakebase);
  return createClient<paths>({
    baseUrl: ctx.baseUrl,
    fetch: asFetch(ctx.transport),
    headers: ctx.headers,
    // Redirects are never followed: the bearer token must not travel to another origin.
    redirect: "manual",
    pathSerializer: (template, params) =>
      template.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const value = String(params[name]);
        return VERBATIM.has(name) ? value : encodeURIComponent(value);
      }),
    querySerializer: (query) =>
      Object.entries(query ?? {})
        .filter(([, value]) => !(value === undefined || value === null || value === false || value === "" || value === 0))
        .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
        .join("&"),
  });
}

/** Statuses whose Response must have a null body (the Fetch standard's "null body status"). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * openapi-fetch speaks `Request`/`Response`; the client's transport speaks descriptions and read
 * replies (src/ops/exchange.ts). The header `Authorization` is the transport's to set.
 */
function asFetch(transport: Transport): (request: Request) => Promise<Response> {
  return async (request) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      if (name !== "authorization") headers[name] = value;
    });
    const body = request.body === null ? undefined : await request.text();
    const reply = await transport({ method: request.method, url: request.url, headers, body, signal: request.signal });
    const response = new Response(NULL_BODY.has(reply.status) ? null : reply.text, { status: reply.status, statusText: reply.statusText, headers: reply.headers });
    // Response's constructor cannot set url; openapi-fetch's callers may read it.
    Object.defineProperty(response, "url", { value: reply.url });
    return response;
  };
}
