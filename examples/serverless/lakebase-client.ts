// The Lakebase client of the handler, built once per isolate (a warm serverless instance) and
// kept at module scope: later invocations reuse it, and with it the OAuth token its provider
// cached. Building a client per request would fetch a new token every time.
import { createLakebaseClient, type LakebaseClient } from "lakebase-sdk";
import { oauthM2MCredentials } from "lakebase-sdk/auth";

/** The bindings the handler reads (Workers `env`, or process.env elsewhere). */
export interface PreviewEnv {
  /** The workspace URL. */
  readonly DATABRICKS_HOST: string;
  /** A service principal's OAuth client id and secret (machine-to-machine). */
  readonly DATABRICKS_CLIENT_ID: string;
  readonly DATABRICKS_CLIENT_SECRET: string;
  /** The project preview branches are made in, e.g. "projects/shop". */
  readonly LAKEBASE_PROJECT: string;
}

export interface CachedClient {
  readonly client: LakebaseClient;
  readonly project: string;
  /** How many tokens the provider has fetched from the token endpoint in this isolate's life. */
  tokenFetches(): number;
}

let cached: { key: string; value: CachedClient } | undefined;

export function lakebaseFor(env: PreviewEnv): CachedClient {
  // Keyed by what the client is built from, so a changed binding (a rotated secret) builds anew.
  const key = [env.DATABRICKS_HOST, env.DATABRICKS_CLIENT_ID, env.DATABRICKS_CLIENT_SECRET, env.LAKEBASE_PROJECT].join("\n");
  if (cached?.key !== key) cached = { key, value: buildClient(env) };
  return cached.value;
}

/** Token fetches of the cached client so far (0 before the first invocation that needed one). */
export function tokenFetchesSoFar(): number {
  return cached?.value.tokenFetches() ?? 0;
}

function buildClient(env: PreviewEnv): CachedClient {
  let fetches = 0;
  const auth = oauthM2MCredentials({
    host: env.DATABRICKS_HOST,
    clientId: env.DATABRICKS_CLIENT_ID,
    clientSecret: env.DATABRICKS_CLIENT_SECRET,
    // Counts the token grants (POSTs; the discovery document is a GET), to show the cache at work.
    fetch: (request) => {
      if (request.method === "POST") fetches += 1;
      return fetch(request);
    },
  });
  const client = createLakebaseClient({ host: env.DATABRICKS_HOST, auth, userAgent: "lakebase-example-previews/0.1" });
  return { client, project: env.LAKEBASE_PROJECT, tokenFetches: () => fetches };
}
