/**
 * Unified hosts (docs/auth.md#unified-hosts): a URL copied from the browser names the workspace
 * (`?o=` / `?workspace_id=` / `?w=`) or the account (`?a=` / `?account_id=`) in its query, which
 * the Go SDK promotes into `workspace_id` / `account_id` before it drops the query
 * (`fixHostIfNeeded`). Fetch-free and import-free: the core client reads it too.
 */

/** `?o=` / `?workspace_id=` / `?w=` and `?a=` / `?account_id=` of a host URL (the Go SDK's `fixHostIfNeeded`). */
export function idsFromHostQuery(host: string): { workspaceId?: string; accountId?: string } {
  const q = host.indexOf("?");
  if (q < 0) return {};
  const params = new URLSearchParams(host.slice(q + 1).split("#")[0]);
  const first = (...keys: string[]) => keys.map((k) => params.get(k)?.trim()).find((v) => v);
  const workspaceId = first("o", "workspace_id", "w");
  const accountId = first("a", "account_id");
  return { ...(workspaceId ? { workspaceId } : {}), ...(accountId ? { accountId } : {}) };
}

