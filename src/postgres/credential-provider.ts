import { generateDatabaseCredential } from "../generated/functions.js";
import type { DatabaseCredential, RequestedClaims } from "../generated/models.js";
import { GenerateDatabaseCredential } from "../generated/operations.js";
import type { Lakebase } from "../ops/context.js";
import { checkDuration } from "../ops/durations.js";
import { RequestTimeoutError } from "../ops/errors.js";
import { rememberSecret } from "../ops/redact.js";
import { startDeadline } from "../ops/sleep.js";
import type { EndpointName } from "../ops/names.js";

export interface DatabaseCredentialOptions {
  /**
   * Any client: `createCoreClient()` (only the calls this needs end up in a bundle) or
   * `createLakebaseClient()`.
   */
  readonly client: Lakebase;
  /** The endpoint the credential is for: `projects/{p}/branches/{b}/endpoints/{e}`. */
  readonly endpoint: EndpointName | string;
  /** Requested lifetime, "300s"…"3600s" (default "3600s"). */
  readonly ttl?: `${number}s`;
  /**
   * Scope each credential to Unity Catalog tables with a permission set (the request's `claims`,
   * spec GenerateDatabaseCredentialRequest): e.g.
   * `[{ permission_set: "READ_ONLY", resources: [{ table_name: "main.sales.orders" }] }]`.
   */
  readonly claims?: readonly RequestedClaims[];
  /**
   * Connect as a workspace group's Postgres role: the request's `group_name` (the group's display
   * name; the caller must be a member). Only the Python SDK sends it so far.
   */
  readonly groupName?: string;
  /** Refresh this long before `expire_time` (default 2 minutes, capped at half the lifetime). */
  readonly refreshMarginMs?: number;
  /** Clock, injectable for tests. */
  readonly now?: () => number;
  /**
   * A credential request still unanswered after this long (default 60 s) fails, and the next
   * caller starts a fresh one: a stalled request never wedges the pool.
   */
  readonly mintTimeoutMs?: number;
}

export interface DatabaseCredentialProvider {
  /** A valid Postgres password for the endpoint: cached until the refresh margin, one request in flight at a time. */
  getPassword(options?: { forceRefresh?: boolean }): Promise<string>;
  /** Drops the cached credential (e.g. after Postgres refused it with 28P01). */
  invalidate(): void;
  /** How many credentials were requested so far (for tests and metrics). */
  readonly requests: number;
}

interface Cached {
  readonly token: string;
  readonly refreshAt: number;
  readonly expiresAt: number;
}

/**
 * Short-lived Postgres passwords from GenerateDatabaseCredential. Concurrent callers share one
 * request (a pool opening 10 connections at once asks once); the token is reused until a margin
 * before its `expire_time`. The token is never logged and never part of an error message.
 */
export function databaseCredentialProvider(options: DatabaseCredentialOptions): DatabaseCredentialProvider {
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? 120_000;
  let cached: Cached | undefined;
  let inFlight: Promise<Cached> | undefined;
  let requests = 0;

  const mintTimeoutMs = options.mintTimeoutMs ?? 60_000;
  // Refused here, when the pool is made, not at its first connection.
  if (options.ttl !== undefined) checkDuration("ttl", options.ttl, GenerateDatabaseCredential.body.durations.ttl);

  const fetchCredential = async (): Promise<Cached> => {
    requests += 1;
    const issuedAt = now();
    // The SDK's own timer (see startDeadline), not only the client's per-attempt timeout: the
    // slot for "one request in flight" must free itself whatever the request does.
    // A credential that may have been minted is harmless to mint again: no outcome to read back.
    const deadline = startDeadline(mintTimeoutMs, () => new RequestTimeoutError(mintTimeoutMs, "POST", "/api/2.0/postgres/credentials", false));
    let credential: DatabaseCredential;
    try {
      credential = await deadline.race(
        generateDatabaseCredential(
          options.client,
          // JSON drops the unset ones.
          { endpoint: options.endpoint, ttl: options.ttl ?? "3600s", claims: options.claims && [...options.claims], group_name: options.groupName },
          { signal: deadline.signal },
        ),
      );
    } finally {
      deadline.clear();
    }
    if (!credential.token) throw new TypeError("GenerateDatabaseCredential answered without a token");
    rememberSecret(credential.token); // scrubbed from any error text that quotes it
    const ttlMs = Number.parseFloat(options.ttl ?? "3600s") * 1000;
    const parsed = credential.expire_time ? Date.parse(credential.expire_time) : Number.NaN;
    const expiresAt = Number.isFinite(parsed) ? parsed : issuedAt + ttlMs;
    const lifetime = Math.max(0, expiresAt - issuedAt);
    return { token: credential.token, expiresAt, refreshAt: expiresAt - Math.min(margin, lifetime / 2) };
  };

  const refresh = () =>
    (inFlight ??= fetchCredential()
      .then((fresh) => (cached = fresh))
      .finally(() => {
        inFlight = undefined;
      }));

  return {
    async getPassword({ forceRefresh = false } = {}) {
      if (!forceRefresh && cached && now() < cached.refreshAt) return cached.token;
      return (await refresh()).token;
    },
    invalidate() {
      cached = undefined;
    },
    get requests() {
      return requests;
    },
  };
}
