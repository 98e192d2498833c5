import { operations, type OperationId } from "../generated/operations.js";
import * as branches from "./handlers/branches.js";
import * as databases from "./handlers/databases.js";
import * as endpoints from "./handlers/endpoints.js";
import * as others from "./handlers/others.js";
import * as projects from "./handlers/projects.js";
import * as roles from "./handlers/roles.js";
import type { Handler } from "./state.js";

/** One handler per operation of the spec; a test checks none is missing. */
export const HANDLERS: Record<OperationId, Handler> = {
  CreateProject: projects.createProject,
  GetProject: projects.getProject,
  ListProjects: projects.listProjects,
  UpdateProject: projects.updateProject,
  DeleteProject: projects.deleteProject,
  UndeleteProject: projects.undeleteProject,
  CreateBranch: branches.createBranch,
  GetBranch: branches.getBranch,
  ListBranches: branches.listBranches,
  UpdateBranch: branches.updateBranch,
  DeleteBranch: branches.deleteBranch,
  UndeleteBranch: branches.undeleteBranch,
  CreateEndpoint: endpoints.createEndpoint,
  GetEndpoint: endpoints.getEndpoint,
  ListEndpoints: endpoints.listEndpoints,
  UpdateEndpoint: endpoints.updateEndpoint,
  DeleteEndpoint: endpoints.deleteEndpoint,
  CreateDatabase: databases.createDatabase,
  GetDatabase: databases.getDatabase,
  ListDatabases: databases.listDatabases,
  UpdateDatabase: databases.updateDatabase,
  DeleteDatabase: databases.deleteDatabase,
  CreateRole: roles.createRole,
  GetRole: roles.getRole,
  ListRoles: roles.listRoles,
  UpdateRole: roles.updateRole,
  DeleteRole: roles.deleteRole,
  GetOperation: others.getOperation,
  GenerateDatabaseCredential: others.generateDatabaseCredential,
  CreateCatalog: others.createCatalog,
  GetCatalog: others.getCatalog,
  DeleteCatalog: others.deleteCatalog,
  CreateSyncedTable: others.createSyncedTable,
  GetSyncedTable: others.getSyncedTable,
  DeleteSyncedTable: others.deleteSyncedTable,
  CreateDataApi: others.createDataApi,
  GetDataApi: others.getDataApi,
  UpdateDataApi: others.updateDataApi,
  DeleteDataApi: others.deleteDataApi,
  CreateCdfConfig: others.createCdfConfig,
  GetCdfConfig: others.getCdfConfig,
  ListCdfConfigs: others.listCdfConfigs,
  DeleteCdfConfig: others.deleteCdfConfig,
  GetCdfStatus: others.getCdfStatus,
  ListCdfStatuses: others.listCdfStatuses,
};

interface Route {
  readonly id: OperationId;
  readonly method: string;
  readonly pattern: RegExp;
  readonly params: string[];
  readonly verbatim: boolean;
}

/** Routes compiled from the same operation table the SDK sends by: one source of truth for paths. */
const ROUTES: Route[] = Object.values(operations)
  .map((op) => {
    const params: string[] = [];
    const source = op.path.replace(/[.+?^$()[\]\\|]/g, "\\$&").replace(/\{([^}]+)\}/g, (_, name: string) => {
      params.push(name);
      return (op.verbatimPathParams as readonly string[]).includes(name) ? "(.+/operations/.+)" : "([^/]+)";
    });
    return { id: op.id as OperationId, method: op.method, pattern: new RegExp(`^${source}$`), params, verbatim: op.verbatimPathParams.length > 0 };
  })
  // concrete routes first; the verbatim operation route last
  .sort((a, b) => Number(a.verbatim) - Number(b.verbatim));

export function route(method: string, pathname: string): { id: OperationId; params: Record<string, string> } | undefined {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const match = r.pattern.exec(pathname);
    if (!match) continue;
    const params: Record<string, string> = {};
    r.params.forEach((name, i) => {
      const raw = match[i + 1]!;
      params[name] = r.verbatim ? raw : decodeURIComponent(raw);
    });
    return { id: r.id, params };
  }
  return undefined;
}
