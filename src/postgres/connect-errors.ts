import { LakebaseError } from "../ops/errors.js";
import type { LakebasePgConfig } from "./pg-config.js";

type ConnectionFacts = Pick<LakebasePgConfig, "user" | "host" | "port" | "endpoint" | "sources">;

/**
 * A connection the pool could not open, explained: what is wrong and what to do, in words. `code`
 * is the original error's (a SQLSTATE such as `28000`, or Node's `ECONNREFUSED`), so checks on
 * `error.code` keep working; `cause` is the original error (pg's `DatabaseError`, Node's socket error).
 *
 * @example
 * try {
 *   await pool.query("select 1");
 * } catch (error) {
 *   if (error instanceof PostgresConnectionError && error.code === "28000") console.error(error.message); // names the role to create
 * }
 */
export class PostgresConnectionError extends LakebaseError {
  static override readonly typeName: string = "PostgresConnectionError";
  /** The original error's code: a SQLSTATE (`28000`) or a Node error code (`ECONNREFUSED`). */
  readonly code: string | undefined;

  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.code = (cause as { code?: string } | undefined)?.code;
  }
}

/**
 * PostgreSQL's answer to a login as a role that does not exist: SQLSTATE 28000
 * (invalid_authorization_specification) with `role "<name>" does not exist` (the server's text,
 * which the emulator repeats; the live service's own text is not recorded, hence the pattern).
 */
export function isMissingRoleError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === "28000" && /role ".*" does not exist/.test(String(message));
}

/** The Roles API's `identity_type` for a user: known for a group, an email or an application id. */
function identityTypeOf({ user, sources }: ConnectionFacts): string {
  if (sources.user === "option groupName") return '"GROUP"';
  if (user.includes("@")) return '"USER"';
  if (/^[\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12}$/i.test(user)) return '"SERVICE_PRINCIPAL"';
  return '"USER" | "SERVICE_PRINCIPAL" | "GROUP"';
}

/**
 * A managed identity logs in only through a Postgres role made for it on the branch (Roles API;
 * the role id of a managed identity is its email, application id or group name, docs/api-behaviour.md).
 */
export function missingRoleError(cause: unknown, config: ConnectionFacts): PostgresConnectionError {
  const branch = config.endpoint.replace(/\/endpoints\/[^/]+$/, "");
  const user = JSON.stringify(config.user);
  return new PostgresConnectionError(
    `the identity ${config.user} (from ${config.sources.user}) has no Postgres role on ${branch}; create one with the Roles API, e.g. ` +
      `client.roles.create(${JSON.stringify(branch)}, ${user}, { spec: { postgres_role: ${user}, identity_type: ${identityTypeOf(config)} } }) (${(cause as Error).message})`,
    cause,
  );
}

/**
 * The wake-up retries ran out: a port or host that never answers looks like a sleeping endpoint
 * for the whole budget, so say that it was retried, and where the address came from.
 */
export function wakeUpGaveUpError(cause: unknown, config: ConnectionFacts, attempts: number, elapsedMs: number): PostgresConnectionError {
  const { host, port } = config.sources;
  const from = host === port ? `from ${host}` : `host from ${host}, port from ${port}`;
  return new PostgresConnectionError(
    `${(cause as Error).message} — retried as a scale-to-zero wake-up for ${attempts} attempt${attempts === 1 ? "" : "s"} over ${(elapsedMs / 1000).toFixed(1)} s; ` +
      `connecting to ${config.host}:${config.port} (${from}), endpoint ${config.endpoint}`,
    cause,
  );
}
