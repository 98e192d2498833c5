import type { Database, DatabaseInput, ListDatabasesResponse, Operation } from "../generated/models.js";
import { callOperation, type CallContext, type CallOptions } from "../ops/call.js";
import type { ValidBranchName, ValidDatabaseName } from "../ops/names.js";
import { splitOptions, type OptionsOf, type UpdateMaskOption } from "./shared.js";

/** Postgres databases of a branch (`…/branches/{branch_id}/databases/{database_id}`). */
export function databasesApi(ctx: CallContext) {
  return {
    /** CreateDatabase under `parent` (a branch name); `spec.role` is required, `database_id` optional. */
    create<P extends string>(
      parent: P & ValidBranchName<P>,
      database: DatabaseInput,
      options?: OptionsOf<"CreateDatabase">,
    ): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "CreateDatabase", { resource: parent, query, body: database, options: call });
    },
    /** GetDatabase. */
    get<N extends string>(name: N & ValidDatabaseName<N>, options?: CallOptions): Promise<Database> {
      return callOperation(ctx, "GetDatabase", { resource: name, options });
    },
    /** ListDatabases: one page. */
    list<P extends string>(parent: P & ValidBranchName<P>, options?: OptionsOf<"ListDatabases">): Promise<ListDatabasesResponse> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "ListDatabases", { resource: parent, query, options: call });
    },
    /** UpdateDatabase with an explicit `update_mask` (`spec.postgres_database` renames, `spec.role` changes owner). */
    update<N extends string>(
      name: N & ValidDatabaseName<N>,
      database: DatabaseInput,
      options: UpdateMaskOption & CallOptions,
    ): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "UpdateDatabase", { resource: name, query, body: database, options: call });
    },
    /** DeleteDatabase. */
    delete<N extends string>(name: N & ValidDatabaseName<N>, options?: CallOptions): Promise<Operation> {
      return callOperation(ctx, "DeleteDatabase", { resource: name, options });
    },
  };
}

export type DatabasesApi = ReturnType<typeof databasesApi>;
