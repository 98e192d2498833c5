import { randomBytes, randomUUID } from "node:crypto";
import { errors, HttpError } from "./http-errors.js";

/** Who is calling: a user (PAT) or a service principal (OAuth client credentials). */
export interface Identity {
  readonly userName: string;
  readonly id: string;
  readonly kind: "user" | "service-principal";
}

export interface EmulatorAuthOptions {
  token?: string;
  userName?: string;
  /** Kept by a data directory: the same user id and service principal across restarts. */
  userId?: string;
  servicePrincipal?: { clientId: string; clientSecret: string };
  oauthTokenTtlSeconds?: number;
}

export interface IssuedToken {
  readonly identity: Identity;
  readonly expiresAt: number;
}

/**
 * Workspace auth of the emulator: one personal access token for a user, one service principal
 * that can get OAuth tokens from `/oidc/v1/token` (client credentials), and the tokens issued.
 */
export class EmulatorAuth {
  readonly user: Identity;
  readonly servicePrincipal: Identity & { readonly clientSecret: string };
  readonly pat: string;
  readonly #tokens = new Map<string, IssuedToken>();

  constructor(options: EmulatorAuthOptions = {}, private readonly now: () => number = Date.now) {
    this.pat = options.token ?? `dapi${randomBytes(16).toString("hex")}`;
    this.user = { userName: options.userName ?? "emulator-user@example.com", id: options.userId ?? String(1000 + (randomBytes(2).readUInt16BE() % 9000)), kind: "user" };
    const clientId = options.servicePrincipal?.clientId ?? randomUUID();
    const clientSecret = options.servicePrincipal?.clientSecret ?? `dose${randomBytes(16).toString("hex")}`;
    this.servicePrincipal = { userName: clientId, id: clientId, kind: "service-principal", clientSecret };
    this.oauthTtlSeconds = options.oauthTokenTtlSeconds ?? 3600;
    this.#tokens.set(this.pat, { identity: this.user, expiresAt: Number.POSITIVE_INFINITY });
  }

  oauthTtlSeconds: number;

  /** The unexpired OAuth tokens (the PAT is not among them), for a data directory. */
  exportOAuthTokens(): [string, IssuedToken][] {
    return [...this.#tokens].filter(([token, issued]) => token !== this.pat && issued.expiresAt > this.now());
  }

  /** Tokens an earlier run issued, still valid for their lifetime; those of another service principal are dropped. */
  importOAuthTokens(entries: readonly [string, IssuedToken][]): void {
    for (const [token, issued] of entries) {
      if (issued.identity.id === this.servicePrincipal.id) this.#tokens.set(token, { identity: this.servicePrincipal, expiresAt: issued.expiresAt });
      else if (issued.identity.kind === "user") this.#tokens.set(token, issued);
    }
  }

  /**
   * An OAuth access token of another workspace user, as Databricks Apps forward a signed-in
   * user's in `x-forwarded-access-token`: the emulator's workspace gets that user (same name,
   * same id every time). Its Postgres role is made like any other (Roles API, identity_type USER).
   */
  issueUserToken(userName: string, ttlSeconds = this.oauthTtlSeconds): string {
    if (typeof userName !== "string" || userName.trim() === "") throw new TypeError("userToken: a user name (an email) is required");
    const known = userName === this.user.userName ? this.user : [...this.#tokens.values()].find((t) => t.identity.kind === "user" && t.identity.userName === userName)?.identity;
    const identity: Identity = known ?? { userName, id: String(10_000 + this.#tokens.size), kind: "user" };
    const accessToken = `eyJ${randomBytes(24).toString("base64url")}`;
    this.#tokens.set(accessToken, { identity, expiresAt: this.now() + ttlSeconds * 1000 });
    return accessToken;
  }

  /** The caller of an API request, from its Authorization header. */
  authenticate(authorization: string | undefined): Identity {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match) throw errors.unauthenticated();
    const issued = this.#tokens.get(match[1]!);
    if (!issued) throw errors.invalidToken();
    if (issued.expiresAt <= this.now()) throw errors.unauthenticated("Token expired.");
    return issued.identity;
  }

  /** `POST /oidc/v1/token`: the client-credentials grant, Basic or form client authentication. */
  issueToken(authorization: string | undefined, form: URLSearchParams): Record<string, unknown> {
    let clientId = form.get("client_id") ?? "";
    let clientSecret = form.get("client_secret") ?? "";
    const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
    if (basic) {
      const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      clientId = decodeURIComponent(decoded.slice(0, colon));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
    if (form.get("grant_type") !== "client_credentials") {
      throw new OAuthError(400, "unsupported_grant_type", "Only client_credentials is supported by the emulator.");
    }
    if (clientId !== this.servicePrincipal.id || clientSecret !== this.servicePrincipal.clientSecret) {
      throw new OAuthError(401, "invalid_client", "Client authentication failed.");
    }
    const accessToken = `eyJ${randomBytes(24).toString("base64url")}`;
    this.#tokens.set(accessToken, { identity: this.servicePrincipal, expiresAt: this.now() + this.oauthTtlSeconds * 1000 });
    return { access_token: accessToken, token_type: "Bearer", expires_in: this.oauthTtlSeconds, scope: form.get("scope") ?? "all-apis" };
  }
}

/** An OAuth error answer (RFC 6749 section 5.2), not the Databricks API error shape. */
export class OAuthError extends HttpError {
  constructor(status: number, error: string, description: string) {
    super(status, error, description);
    (this as { body: Record<string, unknown> }).body = { error, error_description: description };
  }
}
