/** Superuser SQL sessions over the branch server's private socket, through `pg` (an optional peer dependency). */
import type { ClientConfig } from "pg";

type PgModule = typeof import("pg");
let pgModule: Promise<PgModule> | undefined;

export function loadPg(): Promise<PgModule> {
  pgModule ??= import("pg").catch((error: unknown) => {
    pgModule = undefined;
    throw new Error(
      `The Lakebase emulator needs the "pg" package (an optional peer dependency of lakebase-sdk): npm install pg. (${String(error)})`,
    );
  });
  return pgModule;
}

/** Where a branch's server listens: a unix socket directory + port (pg's convention), or loopback TCP. */
export interface ServerAddress {
  /** For pg: a directory (unix socket `<dir>/.s.PGSQL.<port>`) or "127.0.0.1". */
  host: string;
  port: number;
}

export function socketPath(address: ServerAddress): string | undefined {
  return address.host.startsWith("/") ? `${address.host}/.s.PGSQL.${address.port}` : undefined;
}

export async function runSql(
  address: ServerAddress,
  database: string,
  sql: string,
  params?: unknown[],
): Promise<{ rows: Record<string, unknown>[] }> {
  const pg = await loadPg();
  const config: ClientConfig = {
    host: address.host,
    port: address.port,
    user: "postgres",
    password: "",
    database,
    ssl: false,
    application_name: "lakebase-emulator",
  };
  const client = new pg.Client(config);
  client.on("error", () => {}); // a server going away mid-session surfaces through query() instead
  await client.connect();
  try {
    const result = await client.query(sql, params);
    // A multi-statement string yields one result per statement: return the last one's rows.
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { rows: (last?.rows ?? []) as Record<string, unknown>[] };
  } finally {
    await client.end().catch(() => {});
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
