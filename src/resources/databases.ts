import type { Database, DatabaseInput } from "../generated/models.js";
import { callOperation, type CallOptions } from "../ops/call.js";
import type { ValidBranchName, ValidDatabaseName } from "../ops/names.js";
import { listing, mutation, splitOptions, updateMutation, type ListOptionsOf, type OptionsOf, type ResourceContext, type UpdateOptions } from "./shared.js";

/** Postgres databases of a branch (`…/branches/{branch_id}/databases/{database_id}`). */
export function databasesApi(ctx: ResourceContext) {
  return {
    /** CreateDatabase under `parent` (a branch name); `spec.role` is required, `database_id` optional. */
    create<P extends string>(parent: P & ValidBranchName<P>, database: DatabaseInput, options?: OptionsOf<"CreateDatabase">) {
      const { query, call } = splitOptions(options);
      return mutation(ctx, "CreateDatabase", { resource: parent, query, body: database, options: call });
    },
    /** GetDatabase. */
    get<N extends string>(name: N & ValidDatabaseName<N>, options?: CallOptions): Promise<Database> {
      return callOperation(ctx, "GetDatabase", { resource: name, options });
    },
    /** ListDatabases: every database of the branch, fetched page by page as you iterate. */
    list<P extends string>(parent: P & ValidBranchName<P>, options?: ListOptionsOf<"ListDatabases">) {
      const { query, call } = splitOptions(options);
      return listing<Database>(ctx, "ListDatabases", { resource: parent, query }, call);
    },
    /** UpdateDatabase (`spec.postgres_database` renames, `spec.role` changes the owner); the mask is derived when omitted. */
    update<N extends string>(name: N & ValidDatabaseName<N>, database: DatabaseInput, options?: UpdateOptions<"database">) {
      return updateMutation(ctx, "UpdateDatabase", "database", name, database, options);
    },
    /** DeleteDatabase. */
    delete<N extends string>(name: N & ValidDatabaseName<N>, options?: CallOptions) {
      return mutation(ctx, "DeleteDatabase", { resource: name, options });
    },
  };
}

export type DatabasesApi = ReturnType<typeof databasesApi>;
