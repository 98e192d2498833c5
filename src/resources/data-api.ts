import type { DataApi, DataApiInput, Operation } from "../generated/models.js";
import { callOperation, type CallContext, type CallOptions } from "../ops/call.js";
import type { ValidDataApiName, ValidDatabaseName } from "../ops/names.js";
import { splitOptions, type UpdateMaskOption } from "./shared.js";

/** The Data API (PostgREST) of a database: a singleton at `…/databases/{database_id}/data-api`. */
export function dataApiApi(ctx: CallContext) {
  return {
    /** CreateDataApi: enables the Data API on `parent` (a database name). */
    create<P extends string>(parent: P & ValidDatabaseName<P>, dataApi: DataApiInput, options?: CallOptions): Promise<Operation> {
      return callOperation(ctx, "CreateDataApi", { resource: parent, body: dataApi, options });
    },
    /** GetDataApi. */
    get<N extends string>(name: N & ValidDataApiName<N>, options?: CallOptions): Promise<DataApi> {
      return callOperation(ctx, "GetDataApi", { resource: name, options });
    },
    /** UpdateDataApi with an explicit `update_mask`. */
    update<N extends string>(
      name: N & ValidDataApiName<N>,
      dataApi: DataApiInput,
      options: UpdateMaskOption & CallOptions,
    ): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "UpdateDataApi", { resource: name, query, body: dataApi, options: call });
    },
    /** DeleteDataApi: disables the Data API. */
    delete<N extends string>(name: N & ValidDataApiName<N>, options?: CallOptions): Promise<Operation> {
      return callOperation(ctx, "DeleteDataApi", { resource: name, options });
    },
  };
}

export type DataApiApi = ReturnType<typeof dataApiApi>;
