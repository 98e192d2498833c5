import type http from "node:http";
import type { SeenRequest } from "./fault-server.js";

/** Names and paths the operation classes and the healthy server agree on. */
export const API = "/api/2.0/postgres";
export const PROJECT = "projects/p";
export const BRANCH = "projects/p/branches/dev";
export const OPERATION = "projects/p/branches/dev/operations/op-1";
export const ENDPOINT = "projects/p/branches/dev/endpoints/primary";
export const TOKEN_PATH = "/oidc/v1/token";
/** Seven branches over three pages (3 + 3 + 1): a walk must see each exactly once, in order. */
export const ALL_BRANCHES = ["b1", "b2", "b3", "b4", "b5", "b6", "b7"].map((id) => `${PROJECT}/branches/${id}`);
export const PAGE_SIZE = 3;
/** The normal poll answers done on this (1-based) healthy poll: one "not yet" first. */
const DONE_ON_POLL = 2;

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The healthy server's answer to a request. State (polls answered, tokens minted) lives in the
 * returned closure, one per cell, so concurrent cells never share a counter.
 */
export function healthyApi(): (req: SeenRequest, res: http.ServerResponse) => void {
  let polls = 0;
  let tokens = 0;
  let credentials = 0;
  const operation = (done: boolean, response?: unknown) => ({ name: OPERATION, done, ...(response ? { response } : {}) });

  return (req, res) => {
    const route = `${req.method} ${req.path}`;
    switch (route) {
      case `GET ${API}/${PROJECT}`:
        return sendJson(res, 200, { name: PROJECT, uid: "p-uid", status: { display_name: "p" } });
      case `GET ${API}/${PROJECT}/branches`: {
        const token = req.query.get("page_token");
        const start = token ? Number(token.replace("page-", "")) : 0;
        const items = ALL_BRANCHES.slice(start, start + PAGE_SIZE).map((name) => ({ name }));
        const next = start + PAGE_SIZE < ALL_BRANCHES.length ? `page-${start + PAGE_SIZE}` : undefined;
        return sendJson(res, 200, { branches: items, ...(next ? { next_page_token: next } : {}) });
      }
      case `POST ${API}/${PROJECT}/branches`:
      case `PATCH ${API}/${BRANCH}`:
      case `DELETE ${API}/${BRANCH}`:
        return sendJson(res, 200, operation(false));
      case `GET ${API}/${OPERATION}`:
        polls += 1;
        return sendJson(res, 200, polls >= DONE_ON_POLL ? operation(true, { "@type": "type.googleapis.com/databricks.postgres.v1.Branch", name: BRANCH }) : operation(false));
      case `POST ${API}/credentials`:
        credentials += 1;
        return sendJson(res, 200, { token: `pg-token-${credentials}`, expire_time: new Date(Date.now() + 3_600_000).toISOString() });
      case `POST ${TOKEN_PATH}`:
        tokens += 1;
        return sendJson(res, 200, { access_token: `oauth-token-${tokens}`, token_type: "Bearer", expires_in: 3600 });
      default:
        return sendJson(res, 404, { error_code: "NOT_FOUND", message: `no route ${route}` });
    }
  };
}
