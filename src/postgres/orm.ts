import { ValidationError } from "../ops/errors.js";
import type { LakebasePool } from "./pool.js";

/** Options of `connectionString()`. */
export interface ConnectionStringOptions {
  /**
   * The file of the CA the pool verifies against, when it is not a public one (the emulator's:
   * `emulator.caCertificatePath`): a URL cannot carry the certificate itself, so tools read it
   * from `sslrootcert`. Required when the pool was given `ssl.ca`.
   */
  readonly sslrootcert?: string;
}

/**
 * What ORMs and query builders take, built on one LakebasePool so they share its rotating
 * credentials and wake-up retries:
 * - Drizzle: `drizzle({ client: orm.pool })` (drizzle-orm/node-postgres)
 * - Kysely: `new Kysely({ dialect: new PostgresDialect(orm.kysely) })`
 * - Prisma: `new PrismaClient({ adapter: new PrismaPg(orm.pool) })` (@prisma/adapter-pg)
 * - tools that want a URL (migrations): `await orm.connectionString()` mints a credential into it.
 */
export interface OrmConfig {
  readonly pool: LakebasePool;
  readonly drizzle: { readonly client: LakebasePool };
  readonly kysely: { readonly pool: LakebasePool };
  readonly prisma: { readonly pool: LakebasePool };
  /**
   * `postgresql://user:token@host:port/db?sslmode=…` with a freshly minted token: treat it as a
   * secret. TLS as the pool has it: `verify-full` (with `sslrootcert` for a custom CA), or
   * `disable` on a loopback endpoint without one.
   */
  connectionString(options?: ConnectionStringOptions): Promise<string>;
}

export function getOrmConfig(pool: LakebasePool): OrmConfig {
  const config = pool.lakebase;
  return {
    pool,
    drizzle: { client: pool },
    kysely: { pool },
    prisma: { pool },
    async connectionString(options = {}) {
      const customCa = config.ssl !== false && config.ssl.ca !== undefined;
      if (customCa && !options.sslrootcert) {
        throw new ValidationError("sslrootcert", "is required: the pool verifies TLS against its own CA (ssl.ca), which a URL can only name by file (e.g. emulator.caCertificatePath)");
      }
      const password = await config.password();
      const tls = config.ssl === false ? "sslmode=disable" : `sslmode=verify-full${customCa ? `&sslrootcert=${encodeURIComponent(options.sslrootcert!)}` : ""}`;
      return `postgresql://${encodeURIComponent(config.user)}:${encodeURIComponent(password)}@${config.host}:${config.port}/${encodeURIComponent(config.database)}?${tls}`;
    },
  };
}
