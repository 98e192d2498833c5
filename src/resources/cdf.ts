import type { CdfConfig, CdfConfigInput, CdfStatus } from "../generated/models.js";
import { callOperation, type CallOptions } from "../ops/call.js";
import type { ValidCdfConfigName, ValidCdfStatusName, ValidDatabaseName } from "../ops/names.js";
import { listing, mutation, splitOptions, type ListOptionsOf, type OptionsOf, type ResourceContext } from "./shared.js";

/** Change data feed: CDF configs of a database and the per-table replication statuses under them. */
export function cdfApi(ctx: ResourceContext) {
  return {
    /** CreateCdfConfig under `parent` (a database name); `cdf_config_id` defaults to the Postgres schema name. */
    createConfig<P extends string>(parent: P & ValidDatabaseName<P>, cdfConfig: CdfConfigInput, options?: OptionsOf<"CreateCdfConfig">) {
      const { query, call } = splitOptions(options);
      return mutation(ctx, "CreateCdfConfig", { resource: parent, query, body: cdfConfig, options: call });
    },
    /** GetCdfConfig. */
    getConfig<N extends string>(name: N & ValidCdfConfigName<N>, options?: CallOptions): Promise<CdfConfig> {
      return callOperation(ctx, "GetCdfConfig", { resource: name, options });
    },
    /** ListCdfConfigs: every CDF config of the database, page by page as you iterate. */
    listConfigs<P extends string>(parent: P & ValidDatabaseName<P>, options?: ListOptionsOf<"ListCdfConfigs">) {
      const { query, call } = splitOptions(options);
      return listing<CdfConfig>(ctx, "ListCdfConfigs", { resource: parent, query }, call);
    },
    /** DeleteCdfConfig; `force: true` also drops the replicated Delta tables. */
    deleteConfig<N extends string>(name: N & ValidCdfConfigName<N>, options?: OptionsOf<"DeleteCdfConfig">) {
      const { query, call } = splitOptions(options);
      return mutation(ctx, "DeleteCdfConfig", { resource: name, query, options: call });
    },
    /** GetCdfStatus: replication status of one table. */
    getStatus<N extends string>(name: N & ValidCdfStatusName<N>, options?: CallOptions): Promise<CdfStatus> {
      return callOperation(ctx, "GetCdfStatus", { resource: name, options });
    },
    /** ListCdfStatuses under `parent` (a CDF config name), page by page as you iterate. */
    listStatuses<P extends string>(parent: P & ValidCdfConfigName<P>, options?: ListOptionsOf<"ListCdfStatuses">) {
      const { query, call } = splitOptions(options);
      return listing<CdfStatus>(ctx, "ListCdfStatuses", { resource: parent, query }, call);
    },
  };
}

export type CdfApi = ReturnType<typeof cdfApi>;
