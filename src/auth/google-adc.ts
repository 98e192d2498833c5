/**
 * Google Application Default Credentials, the caller's own Google access token (cloud-platform
 * scope) that `google-id` impersonates a service account with (docs/auth.md#google-impersonation).
 * Looked for where Google's libraries look, in order:
 *
 *   1. the file `GOOGLE_APPLICATION_CREDENTIALS` names;
 *   2. gcloud's `application_default_credentials.json` (`gcloud auth application-default login`);
 *   3. the GCE metadata server (`GCE_METADATA_HOST`, default `metadata.google.internal`):
 *      GET /computeMetadata/v1/instance/service-accounts/default/token, `Metadata-Flavor: Google`.
 *
 * A file holds a service-account key (minted with a signed assertion) or an `authorized_user`
 * refresh token (exchanged at Google's token endpoint). Node-only (reads files).
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { cachedTokenProvider, type CachedTokenProviderOptions } from "./cache.js";
import { AuthConfigError } from "./errors.js";
import { GCP_SA_SCOPES, GOOGLE_TOKEN_URI, parseServiceAccountKey, serviceAccountToken } from "./google-service-account.js";
import { isSafeUrl } from "./host.js";
import { accessToken, describeProvider } from "./secrets.js";
import { formBody, readTokenResponse, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";
import type { NamedTokenProvider } from "./token-provider.js";

export interface GoogleAdcOptions extends TokenHttpOptions {
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Home directory for gcloud's file. Default `os.homedir()`. */
  readonly homeDir?: string;
  readonly cache?: CachedTokenProviderOptions;
}

/**
 * The caller's Google access token from Application Default Credentials.
 *
 * @example
 * const source = googleApplicationDefaultCredentials();
 */
export function googleApplicationDefaultCredentials(options: GoogleAdcOptions = {}): NamedTokenProvider {
  const name = "google-id";
  const env = options.env ?? process.env;
  const file = env.GOOGLE_APPLICATION_CREDENTIALS?.trim() || join(env.CLOUDSDK_CONFIG?.trim() || join(options.homeDir ?? homedir(), ".config", "gcloud"), "application_default_credentials.json");
  let text: string | undefined;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (env.GOOGLE_APPLICATION_CREDENTIALS?.trim()) throw new AuthConfigError(name, `cannot read GOOGLE_APPLICATION_CREDENTIALS (${(error as { code?: string }).code ?? "error"})`);
  }
  const clock = options.clock ?? Date.now;
  let getToken: NamedTokenProvider["getToken"];
  if (text !== undefined) {
    let json: { type?: unknown; client_id?: unknown; client_secret?: unknown; refresh_token?: unknown };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw new AuthConfigError(name, "the Application Default Credentials file is not JSON");
    }
    if (json.type === "service_account") {
      const key = parseServiceAccountKey(name, json);
      getToken = (opts) => serviceAccountToken(name, key, { scopes: ["https://www.googleapis.com/auth/cloud-platform"] }, options, opts?.signal);
    } else if (json.type === "authorized_user" && typeof json.refresh_token === "string" && typeof json.client_id === "string") {
      const { refresh_token, client_id } = json;
      const client_secret = typeof json.client_secret === "string" ? json.client_secret : undefined;
      getToken = async (opts) => {
        const ctx = { provider: name, secrets: [refresh_token, client_secret], url: GOOGLE_TOKEN_URI, ...(opts?.signal ? { signal: opts.signal } : {}) };
        const response = await sendTokenRequest(
          () => new Request(GOOGLE_TOKEN_URI, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" }, body: formBody({ grant_type: "refresh_token", client_id, client_secret, refresh_token }) }),
          ctx,
          options,
        );
        const token = await readTokenResponse(response, ctx, clock);
        return accessToken(token.accessToken, token.expiresAt);
      };
    } else {
      throw new AuthConfigError(name, `unsupported Application Default Credentials type ${JSON.stringify(String(json.type)).slice(0, 40)} (service_account or authorized_user)`);
    }
  } else {
    const metadataHost = env.GCE_METADATA_HOST?.trim() || "metadata.google.internal";
    const url = `http://${metadataHost}/computeMetadata/v1/instance/service-accounts/default/token?scopes=${encodeURIComponent(GCP_SA_SCOPES[0]!)}`;
    if (!isSafeUrl(url) && !/^(metadata\.google\.internal|169\.254\.169\.254)(:\d+)?$/.test(metadataHost)) {
      throw new AuthConfigError(name, "GCE_METADATA_HOST must be the metadata server or a loopback address");
    }
    getToken = async (opts) => {
      const ctx = { provider: name, secrets: [], url, ...(opts?.signal ? { signal: opts.signal } : {}) };
      const response = await sendTokenRequest(() => new Request(url, { headers: { "Metadata-Flavor": "Google", Accept: "application/json" } }), ctx, { ...options, timeoutMs: options.timeoutMs ?? 10_000 });
      const token = await readTokenResponse(response, ctx, clock);
      return accessToken(token.accessToken, token.expiresAt);
    };
  }
  return describeProvider(cachedTokenProvider({ name, getToken }, { clock, ...options.cache }), "GoogleApplicationDefaultCredentials");
}
