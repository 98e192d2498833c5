/**
 * The SQL both engines use for Lakebase roles: role attributes, and the `databricks_superuser`
 * system role that `membership_roles: ["DATABRICKS_SUPERUSER"]` grants.
 *
 * In the service (Lakebase docs, "Manage Postgres roles" / "Pre-created roles"),
 * `databricks_superuser` is NOLOGIN with CREATEDB, CREATEROLE and BYPASSRLS, inherits
 * `pg_read_all_data`, `pg_write_all_data` and `pg_monitor`, and holds all privileges (with grant)
 * on the databases and schemas. The emulator makes it on every new branch (a fork copies it) with
 * those attributes and memberships, and grants it ALL (with grant option) on each database and its
 * `public` schema when the backend creates them. Privileges on objects created later come from
 * `pg_read_all_data` / `pg_write_all_data` (DML), not from per-object grants.
 */
import { quoteIdent } from "./sql.js";

export const DATABRICKS_SUPERUSER = "databricks_superuser";

export interface RoleAttributes {
  createdb?: boolean;
  createrole?: boolean;
  bypassrls?: boolean;
}

/** `CREATEDB NOCREATEROLE …`: every attribute the API exposes, set or cleared. */
export function roleFlags(attributes: RoleAttributes = {}): string {
  return [
    attributes.createdb ? "CREATEDB" : "NOCREATEDB",
    attributes.createrole ? "CREATEROLE" : "NOCREATEROLE",
    attributes.bypassrls ? "BYPASSRLS" : "NOBYPASSRLS",
  ].join(" ");
}

/** A string literal for a DO block (standard_conforming_strings is on in both engines). */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Creates `databricks_superuser` if missing, with its attributes and built-in memberships (those
 * the server has: `pg_read_all_data` / `pg_write_all_data` exist from PostgreSQL 14), then grants it
 * the database it runs in and that database's `public` schema. Run as `postgres` in the new branch's
 * default database.
 */
export function branchSystemRolesSql(database: string): string {
  return `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(DATABRICKS_SUPERUSER)}) THEN
    CREATE ROLE ${quoteIdent(DATABRICKS_SUPERUSER)} NOLOGIN CREATEDB CREATEROLE BYPASSRLS;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pg_read_all_data') THEN
    GRANT pg_read_all_data, pg_write_all_data TO ${quoteIdent(DATABRICKS_SUPERUSER)};
  END IF;
  GRANT pg_monitor TO ${quoteIdent(DATABRICKS_SUPERUSER)};
END $$;
${databaseGrantsSql(database)}`;
}

/** ALL (with grant option) on `database` and on its `public` schema to `databricks_superuser`, if that role exists. Run in `database`. */
export function databaseGrantsSql(database: string): string {
  const role = quoteIdent(DATABRICKS_SUPERUSER);
  return `DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(DATABRICKS_SUPERUSER)}) THEN
    EXECUTE ${literal(`GRANT ALL ON DATABASE ${quoteIdent(database)} TO ${role} WITH GRANT OPTION`)};
    IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
      GRANT ALL ON SCHEMA public TO ${role} WITH GRANT OPTION;
    END IF;
  END IF;
END $$`;
}
