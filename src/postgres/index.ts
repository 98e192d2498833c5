/**
 * `lakebase-sdk/postgres`: connect to Lakebase Postgres with rotating database credentials.
 * Needs the `pg` package (an optional peer dependency). Node-only (TCP sockets).
 */
export { databaseCredentialProvider, type DatabaseCredentialOptions, type DatabaseCredentialProvider } from "./credential-provider.js";
export { describeConnection, getPgConfig, type LakebasePgConfig, type PgConfigOptions } from "./pg-config.js";
export { createPool, LakebasePool, type ConnectionErrorEvent, type PoolOptions } from "./pool.js";
export { getOrmConfig, type ConnectionStringOptions, type OrmConfig } from "./orm.js";
export type { SecretConnectionUrl } from "./connection-url.js";
export type { FlatConnectionConfig, FlatConnectionValues, SequelizeConfig, TypeOrmConfig } from "./tool-configs.js";
export { createLakebasePool, getLakebaseOrmConfig, getLakebasePgConfig, type LakebasePoolOptions } from "./apps-pool.js";
export { LazyLakebasePool } from "./lazy-pool.js";
export { createUserPools, FORWARDED_TOKEN_HEADER, type RequestWithHeaders, type UserPools, type UserPoolsOptions } from "./user-pools.js";
export { PostgresConnectionError } from "./connect-errors.js";
export { isWakeUpError, isAuthenticationError, type WakeUpRetryOptions } from "./wake-up.js";
