/**
 * `lakebase-sdk/raw`: the [openapi-fetch](https://openapi-ts.dev/openapi-fetch/) client typed for
 * every path of the spec, going through a client's auth, retry and timeout stack. An escape hatch
 * for what the typed methods do not cover; kept out of the core entry so its bundle carries no
 * openapi-fetch.
 */
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./generated/openapi.js";
import { contextOf, type Lakebase } from "./ops/context.js";

export type { paths } from "./generated/openapi.js";

/** Path parameters spliced verbatim (the spec's `x-verbatim`): operation names contain `/`, `+` and `=`. */
const VERBATIM = new Set(["operation_name"]);

/** The openapi-fetch client of `lakebase` (from createLakebaseClient or createCoreClient). */
export function rawClient(lakebase: Lakebase): Client<paths> {
  const ctx = contextOf(lakebase);
  return createClient<paths>({
    baseUrl: ctx.baseUrl,
    fetch: ctx.transport,
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
