import type { Catalog, CatalogInput } from "../generated/models.js";
import { callOperation, type CallOptions } from "../ops/call.js";
import type { ValidCatalogName } from "../ops/names.js";
import { mutation, type ResourceContext } from "./shared.js";

/** Unity Catalog registrations of Lakebase databases (`catalogs/{catalog_id}`). */
export function catalogsApi(ctx: ResourceContext) {
  return {
    /** CreateCatalog. Await the handle for the Catalog. */
    create(catalogId: string, catalog: CatalogInput, options?: CallOptions) {
      return mutation(ctx, "CreateCatalog", { query: { catalog_id: catalogId }, body: catalog, options });
    },
    /** GetCatalog. */
    get<N extends string>(name: N & ValidCatalogName<N>, options?: CallOptions): Promise<Catalog> {
      return callOperation(ctx, "GetCatalog", { resource: name, options });
    },
    /** DeleteCatalog. */
    delete<N extends string>(name: N & ValidCatalogName<N>, options?: CallOptions) {
      return mutation(ctx, "DeleteCatalog", { resource: name, options });
    },
  };
}

export type CatalogsApi = ReturnType<typeof catalogsApi>;
