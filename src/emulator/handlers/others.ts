import { GenerateDatabaseCredential } from "../../generated/operations.js";
import { errors } from "../http-errors.js";
import { newUid } from "../ids.js";
import { branchNamed, databaseAt, endpointNamed } from "../lookup.js";
import { resolveUpdate } from "../masks.js";
import { startUpdate } from "./update.js";
import { iso, listPage, view, type EmulatorContext, type Handler, type Json } from "../state.js";
import { timestampMs } from "../validate/expiration.js";
import { validated } from "../validate/index.js";
import { checkId } from "../validate/query.js";

/*
 * Catalogs, synced tables, the Data API and CDF configs: the emulator keeps their state and runs
 * their operations; it has no Unity Catalog or pipelines behind them.
 */

function databaseByPgName(ctx: EmulatorContext, branchName: string, pgName: string): Json | undefined {
  return ctx.store.childrenOf(ctx.store.databases, branchName).find((d) => d.status.postgres_database === pgName);
}

export const createCatalog: Handler = validated("CreateCatalog", (ctx, { query, body }) => {
  const catalogId = query.get("catalog_id")!;
  const name = `catalogs/${catalogId}`;
  const spec = body?.spec ?? {};
  if (!spec.postgres_database) throw errors.required("catalog.spec.postgres_database");
  if (ctx.store.catalogs.has(name)) throw errors.alreadyExists("catalog");
  const branch = branchNamed(ctx, spec.branch);
  if (!databaseByPgName(ctx, branch.name, spec.postgres_database) && !spec.create_database_if_missing) {
    throw errors.invalid(`database '${spec.postgres_database}' does not exist in ${branch.name}`);
  }
  const catalog = {
    name,
    catalog_id: catalogId,
    uid: newUid.generic(),
    create_time: iso(ctx.now()),
    update_time: iso(ctx.now()),
    status: { project: branch.parent, branch: branch.name, postgres_database: spec.postgres_database },
  };
  ctx.store.catalogs.set(name, catalog);
  return ctx.operations.start({ resource: name, kind: "Catalog", run: async () => view(catalog) });
});

function catalog(ctx: EmulatorContext, name: string): Json {
  const found = ctx.store.catalogs.get(name);
  if (!found) throw errors.notFound("catalog");
  return found;
}

export const getCatalog: Handler = (ctx, { params }) => view(catalog(ctx, `catalogs/${params.catalog_id}`));

export const deleteCatalog: Handler = validated("DeleteCatalog", (ctx, { params }) => {
  const found = catalog(ctx, `catalogs/${params.catalog_id}`);
  return ctx.operations.start({ resource: found.name, kind: "Catalog", run: async () => void ctx.store.catalogs.delete(found.name) });
});

export const createSyncedTable: Handler = validated("CreateSyncedTable", (ctx, { query, body }) => {
  const id = query.get("synced_table_id")!;
  if (!/^[^.]+\.[^.]+\.[^.]+$/.test(id)) throw errors.invalidValue("synced_table_id", "must be {catalog}.{schema}.{table}", id);
  const name = `synced_tables/${id}`;
  const spec = body?.spec ?? {};
  if (!spec.source_table_full_name) throw errors.required("synced_table.spec.source_table_full_name");
  if (ctx.store.syncedTables.has(name)) throw errors.alreadyExists("synced table");
  const branch = spec.branch ? branchNamed(ctx, spec.branch) : undefined;
  const table = {
    name,
    synced_table_id: id,
    uid: newUid.generic(),
    create_time: iso(ctx.now()),
    status: {
      detailed_state: "SYNCED_TABLE_ONLINE_NO_PENDING_UPDATE",
      unity_catalog_provisioning_state: "ACTIVE",
      message: "Emulated: no data is synchronised.",
      ...(branch ? { project: branch.parent } : {}),
    },
  };
  ctx.store.syncedTables.set(name, table);
  return ctx.operations.start({ resource: name, kind: "SyncedTable", run: async () => view(table) });
});

function syncedTable(ctx: EmulatorContext, name: string): Json {
  const found = ctx.store.syncedTables.get(name);
  if (!found) throw errors.notFound("synced table");
  return found;
}

export const getSyncedTable: Handler = (ctx, { params }) => view(syncedTable(ctx, `synced_tables/${params.synced_table_id}`));

export const deleteSyncedTable: Handler = validated("DeleteSyncedTable", (ctx, { params }) => {
  const found = syncedTable(ctx, `synced_tables/${params.synced_table_id}`);
  return ctx.operations.start({ resource: found.name, kind: "SyncedTable", run: async () => void ctx.store.syncedTables.delete(found.name) });
});

const databasePath = (p: Record<string, string>) => `projects/${p.project_id}/branches/${p.branch_id}/databases/${p.database_id}`;

export const createDataApi: Handler = validated("CreateDataApi", (ctx, { params, body }) => {
  const db = databaseAt(ctx, params);
  const name = `${db.name}/data-api`;
  if (ctx.store.dataApis.has(name)) throw errors.alreadyExists("data api");
  const spec = body?.spec ?? {};
  const dataApi = {
    name,
    parent: db.name,
    create_time: iso(ctx.now()),
    update_time: iso(ctx.now()),
    status: {
      url: `https://emulator.invalid/api/2.0/workspace/0/rest/${db.status.postgres_database}`,
      db_schemas: spec.db_schemas ?? ["public"],
      db_aggregates_enabled: spec.db_aggregates_enabled ?? true,
      jwt_role_claim_key: spec.jwt_role_claim_key ?? ".sub",
      available_schemas: ["public"],
      ...Object.fromEntries(Object.entries(spec).filter(([k]) => !["db_schemas", "db_aggregates_enabled", "jwt_role_claim_key"].includes(k))),
    },
  };
  ctx.store.dataApis.set(name, dataApi);
  return ctx.operations.start({ resource: name, kind: "DataApi", run: async () => view(dataApi) });
});

function dataApi(ctx: EmulatorContext, params: Record<string, string>): Json {
  const found = ctx.store.dataApis.get(`${databaseAt(ctx, params).name}/data-api`);
  if (!found) throw errors.notFound("data api");
  return found;
}

export const getDataApi: Handler = (ctx, { params }) => view(dataApi(ctx, params));

export const updateDataApi: Handler = validated("UpdateDataApi", (ctx, { params, query, body }) => {
  const found = dataApi(ctx, params);
  const assignments = resolveUpdate("UpdateDataApi", query.get("update_mask"), body, found.status);
  return startUpdate(ctx, found, "DataApi", assignments);
});

export const deleteDataApi: Handler = validated("DeleteDataApi", (ctx, { params }) => {
  const found = dataApi(ctx, params);
  return ctx.operations.start({ resource: found.name, kind: "DataApi", run: async () => void ctx.store.dataApis.delete(found.name) });
});

export const createCdfConfig: Handler = validated("CreateCdfConfig", (ctx, { params, query, body }) => {
  for (const field of ["catalog", "schema", "postgres_schema"]) if (!body?.[field]) throw errors.required(`cdf_config.${field}`);
  const db = databaseAt(ctx, params);
  // the id defaults to the Postgres schema name, which must then pass the id's pattern too
  const id = checkId("cdf_config_id", query.get("cdf_config_id") || String(body!.postgres_schema));
  const name = `${db.name}/cdf-configs/${id}`;
  if (ctx.store.cdfConfigs.has(name) || ctx.store.childrenOf(ctx.store.cdfConfigs, db.name).some((c) => c.postgres_schema === body!.postgres_schema)) {
    throw errors.alreadyExists("cdf config");
  }
  const config = { name, parent: db.name, cdf_config_id: id, catalog: body!.catalog, schema: body!.schema, postgres_schema: body!.postgres_schema, create_time: iso(ctx.now()) };
  ctx.store.cdfConfigs.set(name, config);
  return ctx.operations.start({ resource: name, kind: "CdfConfig", run: async () => view(config) });
});

const cdfPath = (p: Record<string, string>) => `${databasePath(p)}/cdf-configs/${p.cdf_config_id}`;

function cdfConfig(ctx: EmulatorContext, params: Record<string, string>): Json {
  databaseAt(ctx, params);
  const found = ctx.store.cdfConfigs.get(cdfPath(params));
  if (!found) throw errors.notFound("cdf config");
  return found;
}

export const getCdfConfig: Handler = (ctx, { params }) => view(cdfConfig(ctx, params));

export const listCdfConfigs: Handler = (ctx, { params, query }) => {
  const db = databaseAt(ctx, params);
  return listPage(ctx, ctx.store.childrenOf(ctx.store.cdfConfigs, db.name), `${db.name}/cdf-configs`, "cdf_configs", query);
};

export const deleteCdfConfig: Handler = validated("DeleteCdfConfig", (ctx, { params }) => {
  const found = cdfConfig(ctx, params);
  return ctx.operations.start({ resource: found.name, kind: "CdfConfig", run: async () => void ctx.store.cdfConfigs.delete(found.name) });
});

/** One status per table of the replicated Postgres schema, read from the branch's real database. */
async function cdfStatuses(ctx: EmulatorContext, config: Json): Promise<Json[]> {
  const db = ctx.store.databases.get(config.parent)!;
  const branch = ctx.store.branch(db.parent);
  const { rows } = await ctx.backend.query(branch.uid, db.status.postgres_database, "select table_name from information_schema.tables where table_schema = $1 order by table_name", [config.postgres_schema]);
  return rows.map((row) => ({
    name: `${config.name}/cdf-statuses/${row.table_name}`,
    postgres_table: row.table_name,
    uc_table: `${config.catalog}.${config.schema}.${row.table_name}`,
    state: "CDF_STATE_STREAMING",
    committed_lsn: "0/16B3748",
    create_time: config.create_time,
  }));
}

export const getCdfStatus: Handler = async (ctx, { params }) => {
  const config = cdfConfig(ctx, params);
  const status = (await cdfStatuses(ctx, config)).find((s) => s.postgres_table === params.cdf_status_id);
  if (!status) throw errors.notFound("cdf status");
  return status;
};

export const listCdfStatuses: Handler = async (ctx, { params, query }) => {
  const config = cdfConfig(ctx, params);
  return listPage(ctx, await cdfStatuses(ctx, config), `${config.name}/cdf-statuses`, "cdf_statuses", query);
};

/**
 * `expire_time` has the bounds `ttl` has (300 s … 1 h), counted from now (docs/api-behaviour.md#emulator-validation);
 * `ttl` itself was checked with the request (its `x-duration-bounds`).
 */
function checkCredentialExpiry(value: unknown, nowMs: number): void {
  const { minimum = 0, maximum = Infinity } = GenerateDatabaseCredential.body.durations.ttl;
  const seconds = (timestampMs("expire_time", value) - nowMs) / 1000;
  if (seconds < minimum || seconds > maximum) throw errors.invalidValue("expire_time", `must be between ${minimum}s and ${maximum}s from now`, value);
}

export const generateDatabaseCredential: Handler = validated("GenerateDatabaseCredential", (ctx, { body, identity }) => {
  if (!body?.endpoint) throw errors.required("endpoint");
  if (body.expire_time !== undefined && body.expire_time !== null) checkCredentialExpiry(body.expire_time, ctx.now());
  const endpoint = endpointNamed(ctx, body.endpoint);
  return ctx.credentials.issue(endpoint.name, identity, { ttl: body.ttl ?? undefined, expire_time: body.expire_time ?? undefined, group_name: body.group_name || undefined });
});

export const getOperation: Handler = (ctx, { params }) => {
  const op = ctx.operations.get(params.operation_name!);
  if (!op) throw errors.notFound("operation");
  return op;
};
