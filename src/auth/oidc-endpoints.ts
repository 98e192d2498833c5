/**
 * Where a host's OAuth endpoints are (docs/auth.md#oidc-endpoint-resolution):
 *  1. an explicit `discoveryUrl` → GET it (RFC 8414 document);
 *  2. an account host (`https://accounts.…`) → fixed URLs, no HTTP call:
 *     `{host}/oidc/accounts/{account_id}/v1/{authorize,token}`;
 *  3. a workspace host → GET `{host}/oidc/.well-known/oauth-authorization-server`;
 *     404 means the host does not support Databricks OAuth.
 * Discovered endpoints must be https (or loopback): a secret is about to be sent there.
 */
import { AuthConfigError, AuthenticationFailedError, InvalidTokenResponseError } from "./errors.js";
import { isAccountHost, isSafeUrl } from "./host.js";
import { endpointLabel, failedResponse, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";

export interface OidcEndpoints {
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
}

export interface OidcEndpointOptions extends TokenHttpOptions {
  /** Normalised host (`https://…`). */
  readonly host: string;
  readonly accountId?: string;
  /** An RFC 8414 discovery document URL that overrides the host rules. */
  readonly discoveryUrl?: string;
  readonly signal?: AbortSignal;
}

/** Resolve the authorization and token endpoints of a Databricks host. */
export async function resolveOidcEndpoints(provider: string, options: OidcEndpointOptions): Promise<OidcEndpoints> {
  const { host, accountId } = options;
  if (options.discoveryUrl) return discover(provider, options.discoveryUrl, options, false);
  if (isAccountHost(host)) {
    if (!accountId) throw new AuthConfigError(provider, "account_id is required for an account host");
    const base = `${host}/oidc/accounts/${encodeURIComponent(accountId)}/v1`;
    return { authorizationEndpoint: `${base}/authorize`, tokenEndpoint: `${base}/token` };
  }
  return discover(provider, `${host}/oidc/.well-known/oauth-authorization-server`, options, true);
}

async function discover(provider: string, url: string, options: OidcEndpointOptions, workspace: boolean): Promise<OidcEndpoints> {
  if (!isSafeUrl(url)) throw new AuthConfigError(provider, "the OIDC discovery URL must use https (plain http only on loopback)");
  const ctx = { provider, secrets: [], url, ...(options.signal ? { signal: options.signal } : {}) };
  const response = await sendTokenRequest(() => new Request(url, { headers: { Accept: "application/json" } }), ctx, options);
  const endpoint = endpointLabel(url);
  const text = await response.text().catch(() => "");
  if (response.status === 404 && workspace) {
    throw new AuthenticationFailedError(provider, `databricks OAuth is not supported for this host (${endpoint} answered 404)`, { status: 404, endpoint });
  }
  if (!response.ok) throw failedResponse(response.status, text, ctx, endpoint);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new InvalidTokenResponseError(provider, `the OIDC discovery document at ${endpoint} is not JSON`, { status: response.status, endpoint });
  }
  const authorizationEndpoint = doc?.authorization_endpoint;
  const tokenEndpoint = doc?.token_endpoint;
  if (typeof tokenEndpoint !== "string" || typeof authorizationEndpoint !== "string") {
    throw new InvalidTokenResponseError(provider, `the OIDC discovery document at ${endpoint} lacks token_endpoint/authorization_endpoint`, { status: response.status, endpoint });
  }
  for (const value of [tokenEndpoint, authorizationEndpoint]) {
    if (!isSafeUrl(value)) throw new InvalidTokenResponseError(provider, `the OIDC discovery document at ${endpoint} names a non-https endpoint`, { endpoint });
  }
  return { authorizationEndpoint, tokenEndpoint };
}

/**
 * Memoise one endpoint lookup per provider: concurrent callers share it; a failure is not kept,
 * so the next call tries again.
 */
export function memoizeEndpoints(resolve: (signal?: AbortSignal) => Promise<OidcEndpoints>): (signal?: AbortSignal) => Promise<OidcEndpoints> {
  let pending: Promise<OidcEndpoints> | undefined;
  return (signal) => {
    if (!pending) {
      pending = resolve(signal);
      pending.catch(() => {
        pending = undefined;
      });
    }
    return pending;
  };
}
