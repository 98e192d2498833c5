/**
 * A Google service-account key (the JSON file a console download gives) and the two tokens it can
 * mint by itself at its `token_uri` with a signed assertion (RFC 7523,
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`), as Google's libraries do:
 *
 *   - an ID token for an audience (claim `target_audience`) → `{"id_token": "<jwt>"}`
 *   - an access token for scopes (claim `scope`)           → `{"access_token": "…", "expires_in": 3600}`
 */
import { AuthConfigError } from "./errors.js";
import { isSafeUrl } from "./host.js";
import { jwtExpiry, signJwtRs256 } from "./jwt-sign.js";
import { accessToken } from "./secrets.js";
import { formBody, readTokenField, readTokenResponse, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";
import type { AccessToken } from "./token-provider.js";

/** The fields of a service-account key this SDK reads. */
export interface GoogleServiceAccountKey {
  readonly type: "service_account";
  readonly client_email: string;
  readonly private_key: string;
  readonly private_key_id?: string;
  readonly token_uri?: string;
}

/** Google's OAuth token endpoint. */
export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
/** The scopes of the `X-Databricks-GCP-SA-Access-Token` token. */
export const GCP_SA_SCOPES = /* @__PURE__ */ Object.freeze(["https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/compute"]);

/** Parse and check a service-account key (JSON text or object). Errors never quote the key. */
export function parseServiceAccountKey(provider: string, key: string | object): GoogleServiceAccountKey {
  let value: unknown = key;
  if (typeof key === "string") {
    try {
      value = JSON.parse(key);
    } catch {
      throw new AuthConfigError(provider, "google_credentials (GOOGLE_CREDENTIALS) is neither a readable file nor service-account JSON");
    }
  }
  const k = value as Partial<GoogleServiceAccountKey> | null;
  if (!k || k.type !== "service_account" || typeof k.client_email !== "string" || typeof k.private_key !== "string") {
    throw new AuthConfigError(provider, "google_credentials must be a service-account key (type service_account, client_email, private_key)");
  }
  if (k.token_uri !== undefined && !isSafeUrl(k.token_uri)) throw new AuthConfigError(provider, "the key's token_uri must use https");
  return k as GoogleServiceAccountKey;
}

/** Mint a token from the key: an ID token for `audience`, or an access token for `scopes`. */
export async function serviceAccountToken(
  provider: string,
  key: GoogleServiceAccountKey,
  want: { readonly audience: string } | { readonly scopes: readonly string[] },
  http: TokenHttpOptions,
  signal?: AbortSignal,
): Promise<AccessToken> {
  const tokenUri = key.token_uri ?? GOOGLE_TOKEN_URI;
  const now = Math.floor((http.clock ?? Date.now)() / 1000);
  const claims = { iss: key.client_email, sub: key.client_email, aud: tokenUri, iat: now, exp: now + 3600, ...("audience" in want ? { target_audience: want.audience } : { scope: want.scopes.join(" ") }) };
  const assertion = await signJwtRs256(claims, key.private_key, key.private_key_id);
  const ctx = { provider, secrets: [assertion, key.private_key], url: tokenUri, ...(signal ? { signal } : {}) };
  const response = await sendTokenRequest(
    () =>
      new Request(tokenUri, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: formBody({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
      }),
    ctx,
    http,
  );
  if ("scopes" in want) {
    const token = await readTokenResponse(response, ctx, http.clock);
    return accessToken(token.accessToken, token.expiresAt);
  }
  const idToken = await readTokenField(response, ctx, "id_token", "the Google token response", tokenUri);
  return accessToken(idToken, jwtExpiry(idToken));
}
