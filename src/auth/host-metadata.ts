/**
 * Host metadata discovery for unified hosts (docs/auth.md#unified-hosts), as the Go and Python
 * SDKs resolve it before authenticating:
 *
 *   GET {host}/.well-known/databricks-config
 *   → {"oidc_endpoint": "https://…/oidc/accounts/{account_id}", "account_id": "…", "workspace_id": "…",
 *      "cloud": "…", "host_type": "WORKSPACE_HOST" | "ACCOUNT_HOST" | "UNIFIED_HOST",
 *      "token_federation_default_oidc_audiences": ["…"]}
 *
 * What it says fills only attributes the configuration left unset: `account_id`, `workspace_id`,
 * the workload-identity audience (the first default audience, else the account id when the host
 * names no workspace) and the OIDC discovery URL (`{oidc_endpoint}/.well-known/oauth-authorization-server`,
 * `{account_id}` substituted). Failure of any kind is not an error (upstream logs a warning and
 * goes on with the user's configuration): one attempt, 10 s.
 */
import { isSafeUrl } from "./host.js";
import { sendTokenRequest, type TokenHttpOptions } from "./token-http.js";

/** What a host says about itself (fields it did not send are absent). */
export interface HostMetadata {
  readonly accountId?: string;
  readonly workspaceId?: string;
  readonly cloud?: string;
  readonly hostType?: string;
  /** The default workload-identity audience. */
  readonly tokenAudience?: string;
  /** The RFC 8414 document to find the token endpoint in. */
  readonly discoveryUrl?: string;
}

/** The path every Databricks host serves its metadata at. */
export const HOST_METADATA_PATH = "/.well-known/databricks-config";

/** Fetch and read `{host}/.well-known/databricks-config`; undefined when it cannot be had. */
export async function fetchHostMetadata(host: string, known: { readonly accountId?: string | undefined }, http: TokenHttpOptions = {}, signal?: AbortSignal): Promise<HostMetadata | undefined> {
  const url = `${host.replace(/\/+$/, "")}${HOST_METADATA_PATH}`;
  if (!isSafeUrl(url)) return undefined;
  let body: Record<string, unknown>;
  try {
    const response = await sendTokenRequest(() => new Request(url, { headers: { Accept: "application/json" } }), { provider: "host-metadata", secrets: [], url, ...(signal ? { signal } : {}) }, { ...http, retry: false, timeoutMs: http.timeoutMs ?? 10_000 });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return undefined;
    }
    body = JSON.parse(await response.text()) as Record<string, unknown>;
    if (!body || typeof body !== "object") return undefined;
  } catch (error) {
    if (signal?.aborted) throw error;
    return undefined;
  }
  const text = (key: string) => (typeof body[key] === "string" && body[key] !== "" ? (body[key] as string) : typeof body[key] === "number" ? String(body[key]) : undefined);
  const accountId = known.accountId ?? text("account_id");
  const audiences = Array.isArray(body.token_federation_default_oidc_audiences) ? body.token_federation_default_oidc_audiences.filter((a): a is string => typeof a === "string" && a !== "") : [];
  const workspaceId = text("workspace_id");
  const tokenAudience = audiences[0] ?? (workspaceId === undefined ? accountId : undefined);
  const oidc = text("oidc_endpoint");
  // An endpoint that needs an account id nobody knows is of no use (the Python SDK refuses it too).
  const oidcEndpoint = oidc && (!oidc.includes("{account_id}") || accountId) ? oidc.replace("{account_id}", encodeURIComponent(accountId ?? "")).replace(/\/+$/, "") : undefined;
  const discoveryUrl = oidcEndpoint && isSafeUrl(oidcEndpoint) ? `${oidcEndpoint}/.well-known/oauth-authorization-server` : undefined;
  const out: Record<string, string> = {};
  const put = (key: keyof HostMetadata, value: string | undefined) => value !== undefined && (out[key] = value);
  put("accountId", text("account_id"));
  put("workspaceId", workspaceId);
  put("cloud", text("cloud"));
  put("hostType", text("host_type"));
  put("tokenAudience", tokenAudience);
  put("discoveryUrl", discoveryUrl);
  return out as HostMetadata;
}
