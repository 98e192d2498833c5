// Every call the benches make through lakebase-sdk, in one place: when the public API changes,
// this file (and test/budgets/entries/) is what to update. Imported from the built package.
import * as sdk from "lakebase-sdk";

// The token providers moved from the root to `lakebase-sdk/auth` (issue 10); reading either keeps
// the bench runnable on a build from before the move, for before/after figures.
const auth = await import("lakebase-sdk/auth").catch(() => sdk);

export { sdk };

/** A client with a PAT (`auth` a string) or a token provider; other client options as given (fetch, validateResponses…). */
export function makeClient({ host, auth, ...options }) {
  return sdk.createLakebaseClient({ host, auth, ...options });
}

/** A provider that is refreshed by the SDK's own cache (what the SDK's providers return). */
export function cachedProvider(getToken) {
  return auth.cachedTokenProvider({ getToken });
}

/** One GET of a page of branches: the call the per-call and loopback figures time. */
export function listBranchesPage(client, parent = "projects/p") {
  return client.branches.list(parent).page();
}

/** Create a branch and wait until its operation is done (the default wait options). */
export function createBranchAndWait(client, parent, id) {
  return client.branches.create(parent, id, { spec: { no_expiry: true } });
}
