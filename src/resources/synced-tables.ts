import type { SyncedTable, SyncedTableInput } from "../generated/models.js";
import { callOperation, type CallOptions } from "../ops/call.js";
import type { ValidSyncedTableName } from "../ops/names.js";
import { mutation, type ResourceContext } from "./shared.js";

/** Synced tables: Delta tables served from Postgres (`synced_tables/{catalog}.{schema}.{table}`). */
export function syncedTablesApi(ctx: ResourceContext) {
  return {
    /** CreateSyncedTable; the id is the three-part name `{catalog}.{schema}.{table}`. */
    create(syncedTableId: string, syncedTable: SyncedTableInput, options?: CallOptions) {
      return mutation(ctx, "CreateSyncedTable", { query: { synced_table_id: syncedTableId }, body: syncedTable, options });
    },
    /** GetSyncedTable. */
    get<N extends string>(name: N & ValidSyncedTableName<N>, options?: CallOptions): Promise<SyncedTable> {
      return callOperation(ctx, "GetSyncedTable", { resource: name, options });
    },
    /** DeleteSyncedTable. */
    delete<N extends string>(name: N & ValidSyncedTableName<N>, options?: CallOptions) {
      return mutation(ctx, "DeleteSyncedTable", { resource: name, options });
    },
  };
}

export type SyncedTablesApi = ReturnType<typeof syncedTablesApi>;
