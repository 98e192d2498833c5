import { randomBytes } from "node:crypto";
import { errors } from "./http-errors.js";
import type { Identity } from "./auth.js";

export interface Credential {
  readonly endpoint: string;
  readonly identity: Identity;
  readonly expiresAt: number;
  /**
   * The request's `group_name`: the credential logs in as that group's Postgres role instead of
   * the caller's. The emulator has no workspace groups, so membership is not checked [inference:
   * the service refuses a caller outside the group]; the role must exist on the branch (Roles API).
   */
  readonly group?: string;
}

const MIN_TTL_S = 300;
const MAX_TTL_S = 3600;

/** Short-lived Postgres passwords (GenerateDatabaseCredential), and the check the Postgres proxy runs. */
export class CredentialStore {
  readonly #issued = new Map<string, Credential>();
  constructor(private readonly now: () => number = Date.now) {}

  /** Issues a token for `endpoint`: `ttl` ("300s"…"3600s") or `expire_time` (5 min … 1 h from now); default 1 h. */
  issue(endpoint: string, identity: Identity, request: { ttl?: unknown; expire_time?: unknown; group_name?: string }): { token: string; expire_time: string } {
    let ttlMs = MAX_TTL_S * 1000;
    if (request.ttl !== undefined && request.expire_time !== undefined) {
      throw errors.invalid("Only one of ttl and expire_time may be set");
    }
    if (request.ttl !== undefined) {
      const match = /^(\d+(?:\.\d+)?)s$/.exec(String(request.ttl));
      const seconds = match ? Number(match[1]) : Number.NaN;
      if (!(seconds >= MIN_TTL_S && seconds <= MAX_TTL_S)) {
        throw errors.invalid(`ttl must be between ${MIN_TTL_S}s and ${MAX_TTL_S}s, got '${String(request.ttl)}'`);
      }
      ttlMs = seconds * 1000;
    } else if (request.expire_time !== undefined) {
      const at = Date.parse(String(request.expire_time));
      const delta = at - this.now();
      if (!Number.isFinite(at) || delta < MIN_TTL_S * 1000 - 1000 || delta > MAX_TTL_S * 1000 + 1000) {
        throw errors.invalid("expire_time must be at least 300 seconds and at most 1 hour from now");
      }
      ttlMs = delta;
    }
    const token = `lbpw_${randomBytes(24).toString("base64url")}`;
    const expiresAt = this.now() + ttlMs;
    this.#issued.set(token, { endpoint, identity, expiresAt, ...(request.group_name ? { group: request.group_name } : {}) });
    return { token, expire_time: new Date(expiresAt).toISOString() };
  }

  /** Whether `password` is an unexpired credential issued for `endpoint` to log in as `user` (the caller, or the group it named). */
  check(endpoint: string, user: string, password: string): boolean {
    const credential = this.#issued.get(password);
    if (!credential) return false;
    return credential.endpoint === endpoint && credential.expiresAt > this.now() && (credential.group ?? credential.identity.userName) === user;
  }

  /** The unexpired credentials, for a data directory: a pool holding one keeps working across a restart. */
  exportIssued(): [string, Credential][] {
    return [...this.#issued].filter(([, c]) => c.expiresAt > this.now());
  }

  importIssued(entries: readonly [string, Credential][]): void {
    for (const [token, credential] of entries) this.#issued.set(token, credential);
  }

  /** Test hook: make every issued credential expire now. */
  expireAll(): void {
    for (const [token, credential] of this.#issued) this.#issued.set(token, { ...credential, expiresAt: this.now() - 1 });
  }
}
