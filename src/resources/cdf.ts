import type {
  CdfConfig,
  CdfConfigInput,
  CdfStatus,
  ListCdfConfigsResponse,
  ListCdfStatusesResponse,
  Operation,
} from "../generated/models.js";
import { callOperation, type CallContext, type CallOptions } from "../ops/call.js";
import type { ValidCdfConfigName, ValidCdfStatusName, ValidDatabaseName } from "../ops/names.js";
import { splitOptions, type OptionsOf } from "./shared.js";

/** Change data feed: CDF configs of a database and the per-table replication statuses under them. */
export function cdfApi(ctx: CallContext) {
  return {
    /** CreateCdfConfig under `parent` (a database name); `cdf_config_id` defaults to the Postgres schema name. */
    createConfig<P extends string>(
      parent: P & ValidDatabaseName<P>,
      cdfConfig: CdfConfigInput,
      options?: OptionsOf<"CreateCdfConfig">,
    ): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "CreateCdfConfig", { resource: parent, query, body: cdfConfig, options: call });
    },
    /** GetCdfConfig. */
    getConfig<N extends string>(name: N & ValidCdfConfigName<N>, options?: CallOptions): Promise<CdfConfig> {
      return callOperation(ctx, "GetCdfConfig", { resource: name, options });
    },
    /** ListCdfConfigs: one page. */
    listConfigs<P extends string>(
      parent: P & ValidDatabaseName<P>,
      options?: OptionsOf<"ListCdfConfigs">,
    ): Promise<ListCdfConfigsResponse> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "ListCdfConfigs", { resource: parent, query, options: call });
    },
    /** DeleteCdfConfig; `force: true` also drops the replicated Delta tables. */
    deleteConfig<N extends string>(name: N & ValidCdfConfigName<N>, options?: OptionsOf<"DeleteCdfConfig">): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "DeleteCdfConfig", { resource: name, query, options: call });
    },
    /** GetCdfStatus: replication status of one table. */
    getStatus<N extends string>(name: N & ValidCdfStatusName<N>, options?: CallOptions): Promise<CdfStatus> {
      return callOperation(ctx, "GetCdfStatus", { resource: name, options });
    },
    /** ListCdfStatuses under `parent` (a CDF config name): one page. */
    listStatuses<P extends string>(
      parent: P & ValidCdfConfigName<P>,
      options?: OptionsOf<"ListCdfStatuses">,
    ): Promise<ListCdfStatusesResponse> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "ListCdfStatuses", { resource: parent, query, options: call });
    },
  };
}

export type CdfApi = ReturnType<typeof cdfApi>;
