/**
 * What `createLakebaseClient()` fills in under Node (the core entry's `node` export condition,
 * src/index.node.ts; docs/auth.md#zero-argument-client): the default credential chain (env,
 * `~/.databrickscfg` profile, CLI logins, cloud identities) and the host it names, the workspace
 * id (`DATABRICKS_WORKSPACE_ID`, `workspace_id`, `?o=`) and the knobs, read like every other
 * attribute: explicit > environment > profile.
 *
 * The host and the knobs are read when the client is made (a synchronous read of the environment
 * and the profile file); the chain itself, the bulk of the auth code, is loaded on the first token
 * request, so that `import "lakebase-sdk"` under Node costs what it costs elsewhere (measured: the
 * chain loaded eagerly doubled the import's CPU time, 11 → 21 ms).
 */
import { loadDatabricksConfig } from "../auth/config.js";
import { AuthConfigError } from "../auth/errors.js";
import type { DefaultCredentialsOptions, DefaultCredentialsProvider } from "../auth/default-credentials.js";
import type { LakebaseClientInit } from "../client.js";
import type { FetchLike } from "../ops/retry.js";
import type { GetTokenOptions, TokenProvider } from "../ops/token-provider.js";
import type { LakebaseClientOptions } from "./core.js";
import { withKnobs } from "./knobs.js";

/** Host and auth from the default chain, or an `AuthConfigError` that names what to set. */
export function nodeDefaults(options: LakebaseClientInit): LakebaseClientOptions {
  const attributes = { ...(options.host ? { host: options.host } : {}), ...(options.profile ? { profile: options.profile } : {}) };
  const v = loadDatabricksConfig(attributes).values;
  const host = options.host ?? v.host;
  if (!host) {
    const hint = v.azureWorkspaceResourceId ? "; with only azure_workspace_resource_id, pass { host: await defaultCredentials().resolveHost() }" : "";
    throw new AuthConfigError("default", `no host: set DATABRICKS_HOST or \`host\` in a ~/.databrickscfg profile, or pass { host }${hint}`);
  }
  const auth = options.auth ?? lazyDefaultCredentials({ ...attributes, ...(options.fetch ? { fetch: options.fetch } : {}) });
  return withKnobs({ ...options, host, auth }, v);
}

/**
 * `defaultCredentials(input)`, built on the first token request. It answers for the chain in
 * everything the client asks of a provider: its token, its name and whether it can refresh once
 * the chain has chosen, and the extra headers some credentials add (`wrapFetch`).
 */
function lazyDefaultCredentials(input: DefaultCredentialsOptions): TokenProvider {
  let chain: DefaultCredentialsProvider | undefined;
  let loading: Promise<DefaultCredentialsProvider> | undefined;
  const load = () =>
    (loading ??= import("../auth/default-credentials.js").then(({ defaultCredentials }) => {
      chain = defaultCredentials(input);
      return chain;
    }));
  return {
    async getToken(options?: GetTokenOptions) {
      return (await load()).getToken(options);
    },
    get name() {
      return chain?.name;
    },
    // Unknown until the chain has chosen: as a chain answers before its first resolution.
    get refreshable() {
      return chain?.refreshable ?? true;
    },
    wrapFetch(fetchImpl?: FetchLike): FetchLike {
      return async (request) => {
        const wrapped = (await load()) as DefaultCredentialsProvider & { wrapFetch?: (f?: FetchLike) => FetchLike };
        return (wrapped.wrapFetch?.(fetchImpl) ?? fetchImpl ?? ((r: Request) => globalThis.fetch(r)))(request);
      };
    },
    toString: () => "DefaultCredentials(lazy)",
  } as TokenProvider;
}
