/**
 * One Entra ID v1 token request, shared by the Azure types that talk to Entra themselves
 * (`azure-client-secret`, `github-oidc-azure`, `azure-devops-oidc`; docs/auth.md#azure):
 *
 *   POST {login}{tenant}/oauth2/token
 *   Content-Type: application/x-www-form-urlencoded
 *
 *   grant_type=client_credentials&client_id=…&resource=…
 *   &client_secret=…                                        (a secret), or
 *   &client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer
 *   &client_assertion=<federated ID token>                  (workload identity federation)
 *
 * The token is treated as expiring 40 s early (AZURE_EARLY_EXPIRY_MS).
 */
import { AZURE_EARLY_EXPIRY_MS } from "./azure-cloud.js";
import { accessToken } from "./secrets.js";
import { formBody, readTokenResponse, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";
import type { AccessToken } from "./token-provider.js";

export interface EntraTokenRequest {
  readonly provider: string;
  /** `https://login.microsoftonline.com/` (with the trailing slash). */
  readonly login: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly resource: string;
  /** `client_secret`, or a federated ID token as `client_assertion`. */
  readonly credential: { readonly clientSecret: string } | { readonly clientAssertion: string };
  readonly signal?: AbortSignal | undefined;
}

/** Ask Entra ID for a token for `resource`. */
export async function entraToken(request: EntraTokenRequest, http: TokenHttpOptions): Promise<AccessToken> {
  const login = request.login.endsWith("/") ? request.login : `${request.login}/`;
  const url = `${login}${encodeURIComponent(request.tenantId)}/oauth2/token`;
  const secret = "clientSecret" in request.credential ? request.credential.clientSecret : request.credential.clientAssertion;
  const ctx = { provider: request.provider, secrets: [secret], url, ...(request.signal ? { signal: request.signal } : {}) };
  const credential =
    "clientSecret" in request.credential
      ? { client_secret: request.credential.clientSecret }
      : { client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: request.credential.clientAssertion };
  const response = await sendTokenRequest(
    () =>
      new Request(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: formBody({ grant_type: "client_credentials", client_id: request.clientId, resource: request.resource, ...credential }),
      }),
    ctx,
    http,
  );
  const token = await readTokenResponse(response, ctx, http.clock ?? Date.now);
  return accessToken(token.accessToken, token.expiresAt === undefined ? undefined : token.expiresAt - AZURE_EARLY_EXPIRY_MS);
}
