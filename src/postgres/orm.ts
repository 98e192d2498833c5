import { buildConnectionString, secretConnectionUrl, type ConnectionStringOptions, type SecretConnectionUrl } from "./connection-url.js";
import type { LakebasePool } from "./pool.js";
import { flatConfig, sequelizeConfig, typeOrmConfig, type FlatConnectionConfig, type FlatConnectionValues, type SequelizeConfig, type TypeOrmConfig } from "./tool-configs.js";

export type { ConnectionStringOptions } from "./connection-url.js";

/**
 * What ORMs and query builders take, built on one LakebasePool so they share its rotating
 * credentials and wake-up retries:
 * - Drizzle: `drizzle({ client: orm.pool })` (drizzle-orm/node-postgres)
 * - Kysely: `new Kysely({ dialect: new PostgresDialect(orm.kysely) })`
 * - Prisma: `new PrismaClient({ adapter: new PrismaPg(orm.pool) })` (@prisma/adapter-pg)
 * - TypeORM: `new DataSource({ ...orm.typeorm, entities })` (its own connections, same credentials)
 * - Sequelize: `new Sequelize(orm.sequelize)`
 * - tools that want a URL (migrations): `(await orm.connectionUrl()).reveal()` mints a credential into it.
 */
export interface OrmConfig {
  readonly pool: LakebasePool;
  readonly drizzle: { readonly client: LakebasePool };
  readonly kysely: { readonly pool: LakebasePool };
  readonly prisma: { readonly pool: LakebasePool };
  /** `host`, `port`, `username`, `password` (a function), `database`, `ssl`. */
  readonly flat: FlatConnectionConfig;
  /** TypeORM `DataSource` options: `flat` with `type: "postgres"`. */
  readonly typeorm: TypeOrmConfig;
  /** Sequelize options: the password comes from its `beforeConnect` hook. */
  readonly sequelize: SequelizeConfig;
  /** `flat` with the password as its current value, for tools that take only a string. */
  flatWithPassword(): Promise<FlatConnectionValues>;
  /**
   * The connection URL with a freshly minted credential, wrapped so that logging it never shows
   * the password: `reveal()` gives the URL itself.
   */
  connectionUrl(options?: ConnectionStringOptions): Promise<SecretConnectionUrl>;
  /**
   * `postgresql://user:token@host:port/db?sslmode=…` with a freshly minted token, as a plain
   * string: treat it as a secret (prefer `connectionUrl()`, whose printed forms hide it). TLS as
   * the pool has it: `verify-full` (with `sslrootcert` for a custom CA), or `disable` on a
   * loopback endpoint without one.
   */
  connectionString(options?: ConnectionStringOptions): Promise<string>;
}

/**
 * Configs for ORMs and tools from one pool (resolved: a `createPool` pool, or a
 * `createLakebasePool` one after `await pool.ready()`).
 *
 * @example
 * const orm = getOrmConfig(await createPool({ client, project: "my-app" }));
 * const db = drizzle({ client: orm.pool });
 * const dataSource = new DataSource({ ...orm.typeorm, entities: [User] });
 */
export function getOrmConfig(pool: LakebasePool): OrmConfig {
  const config = pool.lakebase;
  // A createLakebasePool pool before its first query: the flat configs would copy placeholders.
  if (!config.host) throw new TypeError("the pool is not resolved yet: await pool.ready() first (or use getLakebaseOrmConfig())");
  // The URL is checked before a credential is minted: a missing sslrootcert costs no request.
  const url = async (options?: ConnectionStringOptions) => (buildConnectionString(config, "", options), secretConnectionUrl(config, await config.password(), options));
  return {
    pool,
    drizzle: { client: pool },
    kysely: { pool },
    prisma: { pool },
    flat: flatConfig(config),
    typeorm: typeOrmConfig(config),
    sequelize: sequelizeConfig(config),
    async flatWithPassword() {
      return { ...flatConfig(config), password: await config.password() };
    },
    connectionUrl: url,
    async connectionString(options) {
      return (await url(options)).reveal();
    },
  };
}
