import type { LakebasePool } from "./pool.js";

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
  /** `postgresql://user:token@host:port/db?sslmode=…` with a freshly minted token: treat it as a secret. */
  connectionString(): Promise<string>;
}

export function getOrmConfig(pool: LakebasePool): OrmConfig {
  const config = pool.lakebase;
  return {
    pool,
    drizzle: { client: pool },
    kysely: { pool },
    prisma: { pool },
    async connectionString() {
      const password = await config.password();
      const sslmode = config.ssl ? "verify-full" : "disable";
      return `postgresql://${encodeURIComponent(config.user)}:${encodeURIComponent(password)}@${config.host}:${config.port}/${encodeURIComponent(config.database)}?sslmode=${sslmode}`;
    },
  };
}
