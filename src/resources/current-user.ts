import { InvalidResponseError, throwIfFailed, type CallContext, type CallOptions } from "../ops/call.js";

/** The caller as the workspace's SCIM `Me` endpoint describes it (outside the postgres service). */
export interface CurrentUser {
  readonly id?: string;
  /** A user's email, or a service principal's application id: the Postgres role name to connect as. */
  readonly userName: string;
  readonly applicationId?: string;
  readonly displayName?: string;
}

const ME = "/api/2.0/preview/scim/v2/Me";

/** `GET /api/2.0/preview/scim/v2/Me` through the same auth and retry stack as every API call. */
export async function currentUser(ctx: CallContext, options: CallOptions = {}): Promise<CurrentUser> {
  const request = ctx.raw.request as unknown as (method: string, url: string, init: Record<string, unknown>) => Promise<{ data?: string; error?: unknown; response: Response }>;
  const { data, error, response } = await request("get", ME, { parseAs: "text", signal: options.signal, headers: options.headers });
  throwIfFailed(response, error, "GET");
  let me: CurrentUser;
  try {
    me = JSON.parse(data ?? "") as CurrentUser;
  } catch {
    throw new InvalidResponseError(`GET ${ME}: response body is not JSON (HTTP ${response.status})`, response.status);
  }
  if (typeof me?.userName !== "string" || me.userName === "") {
    throw new InvalidResponseError(`GET ${ME}: the answer has no userName`, response.status);
  }
  return me;
}
