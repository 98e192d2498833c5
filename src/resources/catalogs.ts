import type { Catalog, CatalogInput, Operation } from "../generated/models.js";
import { callOperation, type CallContext, type CallOptions } from "../ops/call.js";
import type { ValidCatalogName } from "../ops/names.js";

/** Unity Catalog registrations of Lakebase databases (`catalogs/{catalog_id}`). */
export function catalogsApi(ctx: CallContext) {
  return {
    /** CreateCatalog. Returns the long-running Operation. */
    create(catalogId: string, catalog: CatalogInput, options?: CallOptions): Promise<Operation> {
      return callOperation(ctx, "CreateCatalog", { query: { catalog_id: catalogId }, body: catalog, options });
    },
    /** GetCatalog. */
    get<N extends string>(name: N & ValidCatalogName<N>, options?: CallOptions): Promise<Catalog> {
      return callOperation(ctx, "GetCatalog", { resource: name, options });
    },
    /** DeleteCatalog. */
    delete<N extends string>(name: N & ValidCatalogName<N>, options?: CallOptions): Promise<Operation> {
      return callOperation(ctx, "DeleteCatalog", { resource: name, options });
    },
  };
}

export type CatalogsApi = ReturnType<typeof catalogsApi>;
