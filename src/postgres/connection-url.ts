import { ValidationError } from "../ops/errors.js";
import type { LakebasePgConfig } from "./pg-config.js";

/** Options of `connectionString()` and `connectionUrl()`. */
export interface ConnectionStringOptions {
  /**
   * The file of the CA the pool verifies against, when it is not a public one (the emulator's:
   * `emulator.caCertificatePath`): a URL cannot carry the certificate itself, so tools read it
   * from `sslrootcert`. Required when the pool was given `ssl.ca`.
   */
  readonly sslrootcert?: string;
}

type UrlParts = Pick<LakebasePgConfig, "host" | "port" | "user" | "database" | "ssl">;

/**
 * `postgresql://user:<password>@host:port/db?sslmode=…`, TLS as the pool has it: `verify-full`
 * (with `sslrootcert` for a custom CA), or `disable` on a loopback endpoint without one.
 */
export function buildConnectionString(config: UrlParts, password: string, options: ConnectionStringOptions = {}): string {
  const customCa = config.ssl !== false && config.ssl.ca !== undefined;
  if (customCa && !options.sslrootcert) {
    throw new ValidationError("sslrootcert", "is required: the pool verifies TLS against its own CA (ssl.ca), which a URL can only name by file (e.g. emulator.caCertificatePath)");
  }
  const tls = config.ssl === false ? "sslmode=disable" : `sslmode=verify-full${customCa ? `&sslrootcert=${encodeURIComponent(options.sslrootcert!)}` : ""}`;
  return `postgresql://${encodeURIComponent(config.user)}:${encodeURIComponent(password)}@${config.host}:${config.port}/${encodeURIComponent(config.database)}?${tls}`;
}

const REDACTED_PASSWORD = "***";

/**
 * A connection URL that carries a live credential. Every printed form (`String(url)`, template
 * literals, `JSON.stringify`, `console.log`/`util.inspect`) shows it with the password replaced
 * by `***`; only `reveal()` returns the usable URL, to hand to the tool that connects.
 */
export interface SecretConnectionUrl {
  /** The URL with its password replaced by `***`: safe to log. */
  readonly redacted: string;
  /** The URL with the credential: pass it to the tool, never to a log. */
  reveal(): string;
  toString(): string;
  toJSON(): string;
}

/**
 * Wraps a connection URL so that only `reveal()` shows its password (an object, not a class: a
 * class with a computed `Symbol.for` member stays in every bundle of the package's entry).
 *
 * @example
 * const url = await getOrmConfig(pool).connectionUrl();
 * console.log(`migrating ${url}`); // postgresql://me%40example.com:***@host:5432/db?sslmode=verify-full
 * await migrate({ databaseUrl: url.reveal() });
 */
export function secretConnectionUrl(config: UrlParts, password: string, options?: ConnectionStringOptions): SecretConnectionUrl {
  const url = buildConnectionString(config, password, options);
  const redacted = buildConnectionString(config, REDACTED_PASSWORD, options);
  const shown = () => redacted;
  const secret = { redacted, reveal: () => url, toString: shown, toJSON: shown };
  // Not enumerable, like the rest of what a log might walk: util.inspect calls it.
  Object.defineProperty(secret, Symbol.for("nodejs.util.inspect.custom"), { value: () => `SecretConnectionUrl(${redacted})` });
  return secret;
}
