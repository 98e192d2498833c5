/**
 * `lakebase-sdk/postgres`: connect to Lakebase Postgres with rotating database credentials.
 * Needs the `pg` package (an optional peer dependency). Node-only (TCP sockets).
 */
export { databaseCredentialProvider, type DatabaseCredentialOptions, type DatabaseCredentialProvider } from "./credential-provider.js";
export { describeConnection, getPgConfig, type LakebasePgConfig, type PgConfigOptions } from "./pg-config.js";
export { createPool, LakebasePool, type ConnectionErrorEvent, type PoolOptions } from "./pool.js";
export { getOrmConfig, type ConnectionStringOptions, type OrmConfig } from "./orm.js";
export { isWakeUpError, isAuthenticationError, type WakeUpRetryOptions } from "./wake-up.js";
