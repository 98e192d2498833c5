import type { Endpoint } from "./generated/models.js";
import { namespaces } from "./generated/namespaces.js";
import type { CallOptions } from "./ops/call.js";
import { CONTEXT, type Lakebase } from "./ops/context.js";
import type { ReadinessOptions } from "./ops/lro/readiness.js";
import type { LroOperationId } from "./ops/lro/types.js";
import type { ValidEndpointName } from "./ops/names.js";
import { createCoreClient, type LakebaseClientOptions } from "./client/core.js";
import { envDefaults } from "./client/env-defaults.js";
import type { AuthOption } from "./ops/token-provider.js";
import { currentUser } from "./client/current-user.js";
import { waitForEndpointReady } from "./client/endpoints.js";
import { resumeOperation } from "./client/operations.js";

export { createCoreClient, normaliseHost, type LakebaseClientOptions } from "./client/core.js";
export { idsFromHostQuery } from "./auth/host-query.js";

/**
 * A client with one namespace per resource kind and one method per API method
 * (`client.branches.create(parent, id, body, params?, options?)`), each a call of the generated
 * function of the same operation (`createBranch(client, …)`), plus what the spec cannot say:
 * `endpoints.waitForReady`, `operations.resume` and `currentUser`.
 */
export function createLakebaseClient(options?: LakebaseClientInit) {
  return clientWith(options, envDefaults);
}

/**
 * What `createLakebaseClient` takes: the client options, where `host` and `auth` may be left to the
 * environment (docs/auth.md#zero-argument-client). Under Node that is the default credential chain
 * (`DATABRICKS_*` variables, a `~/.databrickscfg` profile, CLI logins, cloud identities) and the host
 * it names; elsewhere `DATABRICKS_HOST` and `DATABRICKS_TOKEN`. Either way `DATABRICKS_WORKSPACE_ID`
 * (or `?o=` in the host) and the knobs `DATABRICKS_HTTP_TIMEOUT_SECONDS`,
 * `DATABRICKS_RETRY_TIMEOUT_SECONDS`, `DATABRICKS_RATE_LIMIT` and `DATABRICKS_DEBUG_HEADERS` are
 * followed when host or auth come from there.
 */
export type LakebaseClientInit = Omit<LakebaseClientOptions, "host" | "auth"> & {
  /** The workspace URL; default from the environment / profile. */
  readonly host?: string;
  /** A token provider or a static token; default from the environment / the default chain. */
  readonly auth?: AuthOption;
  /** Under Node: the `~/.databrickscfg` profile to read (default `DATABRICKS_CONFIG_PROFILE`, then `DEFAULT`). */
  readonly profile?: string;
};

/** `createLakebaseClient` with the defaults of one runtime (env-defaults.ts, node-defaults.ts). */
export function clientWith(init: LakebaseClientInit = {}, defaults: (init: LakebaseClientInit) => LakebaseClientOptions) {
  const options = init.host !== undefined && init.auth !== undefined ? (init as LakebaseClientOptions) : defaults(init);
  const core = createCoreClient(options);
  const api = namespaces(core);
  const client = {
    ...api,
    endpoints: {
      ...api.endpoints,
      /** Waits until the endpoint accepts connections (ACTIVE or IDLE, nothing pending). */
      waitForReady<N extends string>(name: N & ValidEndpointName<N>, options?: ReadinessOptions<Endpoint>) {
        return waitForEndpointReady<N>(core, name, options);
      },
    },
    operations: {
      ...api.operations,
      /**
       * Rebuilds a typed handle from an operation name kept from another process; `kind` is the
       * mutation's id ("CreateBranch"). Without it, the result is the resource as sent (undefined for a delete).
       */
      resume: resumeBound(core),
    },
    /** The caller's identity (`/api/2.0/preview/scim/v2/Me`): `userName` is the Postgres role to connect as. */
    currentUser: (callOptions?: CallOptions) => currentUser(core, callOptions),
    /** The workspace URL requests go to. */
    host: core.host,
    toString: () => String(core),
  };
  Object.defineProperty(client, CONTEXT, { value: core[CONTEXT], enumerable: false });
  return client as typeof client & Lakebase;
}

export type LakebaseClient = ReturnType<typeof clientWith>;

/** `client.operations.resume`, with both forms of resumeOperation. */
function resumeBound(core: Lakebase): { <K extends LroOperationId>(name: string, kind: K): ReturnType<typeof resumeOperation<K>>; (name: string): ReturnType<typeof resumeOperation> } {
  return ((name: string, kind?: LroOperationId) => (kind === undefined ? resumeOperation(core, name) : resumeOperation(core, name, kind))) as never;
}
