// The two steps of a preview branch, one per invocation. Creating a branch is a long-running
// operation; a serverless function should not spend its time budget waiting for it, so the first
// step returns as soon as the server has accepted it, and the second, called later (a CI job
// polling, the next webhook), looks once and reports.
import { AlreadyExistsError, ApiError, type Branch } from "lakebase-sdk";
import type { CachedClient } from "./lakebase-client.js";
import { json } from "./responses.js";

/** Preview branches go away on their own a week after creation. */
const PREVIEW_TTL = "604800s";

/** POST /preview?pr=123 → 202 { operation, branch, status_url } once the create is accepted. */
export async function startPreview({ client, project }: CachedClient, pr: string): Promise<Response> {
  const branchId = `pr-${pr}`;
  const branch = `${project}/branches/${branchId}`;
  const handle = client.branches.create(project, branchId, { spec: { ttl: PREVIEW_TTL } });
  try {
    // submitted(): the server's first answer (the operation name); nothing is polled.
    const { name } = await handle.submitted();
    const statusUrl = `/preview/status?operation=${encodeURIComponent(name!)}`;
    return json(202, { operation: name, branch, status_url: statusUrl }, { location: statusUrl });
  } catch (error) {
    // A redelivered webhook or a second push: the branch is there already, which is what was asked.
    if (!(error instanceof AlreadyExistsError)) throw error;
    return json(200, { done: true, branch: summary(await client.branches.get(branch)) });
  }
}

/** GET /preview/status?operation=… → 200 { operation, done, branch? }, after one GetOperation. */
export async function previewStatus({ client, project }: CachedClient, operation: string): Promise<Response> {
  // Only this function's own operations: a caller must not use it to poll anything else.
  if (!operation.startsWith(`${project}/branches/`) || !operation.includes("/operations/")) {
    return json(400, { error: "INVALID_REQUEST", message: `operation must be an operation of a branch of ${project}` });
  }
  // The name and the mutation's kind are all it takes to pick the operation up in a new process.
  const handle = client.operations.resume(operation, "CreateBranch");
  await handle.poll();
  if (!handle.done) return json(200, { operation, done: false }, { "retry-after": "2" });
  try {
    // Done: wait() settles from the state just polled (no second request) and types the result.
    return json(200, { operation, done: true, branch: summary(await handle.wait()) });
  } catch (error) {
    // The operation itself failed: the status call succeeded, and its answer is that failure.
    if (!(error instanceof ApiError)) throw error;
    return json(200, { operation, done: true, error: { error_code: error.errorCode, message: error.serverMessage } });
  }
}

function summary(branch: Branch) {
  return { name: branch.name, state: branch.status?.current_state, expire_time: branch.status?.expire_time };
}
