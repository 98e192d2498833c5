import type { OperationInfo } from "../generated/operations.js";
import { InvalidResponseError, prepareCall, sendCall, type CallOptions } from "../ops/call.js";
import { contextOf, type Lakebase } from "../ops/context.js";

/** The caller as the workspace's SCIM `Me` endpoint describes it (outside the postgres service). */
export interface CurrentUser {
  readonly id?: string;
  /** A user's email, or a service principal's application id: the Postgres role name to connect as. */
  readonly userName: string;
  readonly applicationId?: string;
  readonly displayName?: string;
}

/** `GET /api/2.0/preview/scim/v2/Me`: not in the postgres spec, described here in the same shape. */
const CurrentUserOp: OperationInfo = {
  id: "CurrentUser",
  method: "GET",
  path: "/api/2.0/preview/scim/v2/Me",
  target: { kind: "none", template: "" },
  pathParams: [],
  verbatimPathParams: [],
  query: {},
  body: null,
  response: null,
  lro: null,
  paginated: null,
  updateMask: null,
  retryConflict: null,
};

/** The caller's identity through the same auth and retry stack as every API call; `userName` is the Postgres role to connect as. */
export async function currentUser(lakebase: Lakebase, options: CallOptions = {}): Promise<CurrentUser> {
  const { data } = await sendCall<CurrentUser | undefined>(contextOf(lakebase), prepareCall(CurrentUserOp), options);
  if (typeof data?.userName !== "string" || data.userName === "") {
    throw new InvalidResponseError(`GET ${CurrentUserOp.path}: the answer has no userName`, 200);
  }
  return data;
}
