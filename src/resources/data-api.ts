import type { DataApi, DataApiInput } from "../generated/models.js";
import { callOperation, type CallOptions } from "../ops/call.js";
import type { ValidDataApiName, ValidDatabaseName } from "../ops/names.js";
import { mutation, updateMutation, type ResourceContext, type UpdateOptions } from "./shared.js";

/** The Data API (PostgREST) of a database: a singleton at `…/databases/{database_id}/data-api`. */
export function dataApiApi(ctx: ResourceContext) {
  return {
    /** CreateDataApi: enables the Data API on `parent` (a database name). */
    create<P extends string>(parent: P & ValidDatabaseName<P>, dataApi: DataApiInput, options?: CallOptions) {
      return mutation(ctx, "CreateDataApi", { resource: parent, body: dataApi, options });
    },
    /** GetDataApi. */
    get<N extends string>(name: N & ValidDataApiName<N>, options?: CallOptions): Promise<DataApi> {
      return callOperation(ctx, "GetDataApi", { resource: name, options });
    },
    /** UpdateDataApi; the mask is derived from the patch when omitted. */
    update<N extends string>(name: N & ValidDataApiName<N>, dataApi: DataApiInput, options?: UpdateOptions<"dataApi">) {
      return updateMutation(ctx, "UpdateDataApi", "dataApi", name, dataApi, options);
    },
    /** DeleteDataApi: disables the Data API. */
    delete<N extends string>(name: N & ValidDataApiName<N>, options?: CallOptions) {
      return mutation(ctx, "DeleteDataApi", { resource: name, options });
    },
  };
}

export type DataApiApi = ReturnType<typeof dataApiApi>;
