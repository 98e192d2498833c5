/**
 * The flat connection settings TypeORM and Sequelize take, built on one LakebasePool's resolved
 * config so that they mint credentials from the same cache. Both libraries open their own
 * connections (their own pg pool), so the password must be asked for per connection: TypeORM
 * accepts a function as `password`; Sequelize asks through its `beforeConnect` hook.
 */
import type { LakebasePgConfig } from "./pg-config.js";

/** `host`, `port`, `username`, `password`, `database`, `ssl`: the names TypeORM, Sequelize and most tools use. */
export interface FlatConnectionConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** A fresh-enough credential, per new connection. */
  readonly password: () => Promise<string>;
  readonly database: string;
  readonly ssl: LakebasePgConfig["ssl"];
}

/** The same settings with the password as its current value (a credential valid for up to its ttl): for tools that take only a string. */
export interface FlatConnectionValues extends Omit<FlatConnectionConfig, "password"> {
  readonly password: string;
}

/** TypeORM's `DataSource` options for Postgres (`password` may be a function there). */
export interface TypeOrmConfig extends FlatConnectionConfig {
  readonly type: "postgres";
}

/** Sequelize's options for Postgres: the password is set by `hooks.beforeConnect` on each new connection. */
export interface SequelizeConfig extends Omit<FlatConnectionConfig, "password" | "ssl"> {
  readonly dialect: "postgres";
  readonly dialectOptions: { readonly ssl: LakebasePgConfig["ssl"] };
  readonly hooks: { readonly beforeConnect: (config: { password?: string }) => Promise<void> };
}

export function flatConfig(config: LakebasePgConfig): FlatConnectionConfig {
  return { host: config.host, port: config.port, username: config.user, password: config.password, database: config.database, ssl: config.ssl };
}

export function typeOrmConfig(config: LakebasePgConfig): TypeOrmConfig {
  return { type: "postgres", ...flatConfig(config) };
}

export function sequelizeConfig(config: LakebasePgConfig): SequelizeConfig {
  const { password, ssl, ...rest } = flatConfig(config);
  return {
    dialect: "postgres",
    ...rest,
    dialectOptions: { ssl },
    hooks: {
      async beforeConnect(connection) {
        connection.password = await password();
      },
    },
  };
}
