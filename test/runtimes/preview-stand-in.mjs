// The stand-in API for the serverless example (examples/serverless/handler.ts) in the runtime
// matrix: OIDC discovery and a client-credentials token endpoint (the handler authenticates as a
// service principal), then CreateBranch and a GetOperation that answers "not done" once and
// "done" the second time, so that two status invocations see both states without any timing.
// run.mjs serves it from the same HTTP server as the core scenario's routes.

export const PREVIEW_ENV = {
  LAKEBASE_PROJECT: "projects/previews",
  DATABRICKS_CLIENT_ID: "sp-id",
  DATABRICKS_CLIENT_SECRET: "sp-secret",
};
/** `+`, `/` and `=` as real operation ids have them: the handler must round-trip them through a URL. */
export const PREVIEW_OPERATION = "projects/previews/branches/pr-123/operations/pr+1/x=";
const BRANCH = "projects/previews/branches/pr-123";
const BASE = "/api/2.0/postgres";
const ACCESS_TOKEN = "sp-access-token";

export function createPreviewStandIn() {
  let polls = 0;
  return {
    reset() {
      polls = 0;
    },
    /** [status, body] for a request of the preview scenario, or undefined when not one. */
    route(method, rawUrl, host) {
      const url = new URL(rawUrl, "http://stand-in");
      if (method === "GET" && url.pathname === "/oidc/.well-known/oauth-authorization-server") {
        return [200, { issuer: `${host}/oidc`, authorization_endpoint: `${host}/oidc/v1/authorize`, token_endpoint: `${host}/oidc/v1/token` }];
      }
      if (method === "POST" && url.pathname === "/oidc/v1/token") {
        return [200, { access_token: ACCESS_TOKEN, token_type: "Bearer", expires_in: 3600 }];
      }
      if (method === "POST" && url.pathname === `${BASE}/projects/previews/branches` && url.search === "?branch_id=pr-123") {
        return [200, { name: PREVIEW_OPERATION, done: false }];
      }
      if (method === "GET" && rawUrl === `${BASE}/${PREVIEW_OPERATION}`) {
        polls += 1;
        if (polls === 1) return [200, { name: PREVIEW_OPERATION, done: false }];
        const response = { "@type": "type.googleapis.com/databricks.postgres.v1.Branch", name: BRANCH, status: { current_state: "READY", expire_time: "2030-01-08T00:00:00Z" } };
        return [200, { name: PREVIEW_OPERATION, done: true, response }];
      }
      return undefined;
    },
  };
}

/** What the stand-in must have seen from one run of the preview checks (log entries of run.mjs). */
export function previewRequestProblems(log) {
  const problems = [];
  const seen = log.map((r) => `${r.method} ${r.url} ${r.status}`);
  const expected = [
    "GET /oidc/.well-known/oauth-authorization-server 200",
    "POST /oidc/v1/token 200",
    `POST ${BASE}/projects/previews/branches?branch_id=pr-123 200`,
    `GET ${BASE}/${PREVIEW_OPERATION} 200`,
    `GET ${BASE}/${PREVIEW_OPERATION} 200`,
  ];
  if (JSON.stringify(seen) !== JSON.stringify(expected)) problems.push(`requests ${JSON.stringify(seen)}`);
  const basic = `Basic ${btoa(`${PREVIEW_ENV.DATABRICKS_CLIENT_ID}:${PREVIEW_ENV.DATABRICKS_CLIENT_SECRET}`)}`;
  const token = log.find((r) => r.url === "/oidc/v1/token");
  if (token && token.auth !== basic) problems.push(`token request Authorization ${JSON.stringify(token.auth)}`);
  const api = log.filter((r) => r.url.startsWith(BASE));
  const badAuth = api.filter((r) => r.auth !== `Bearer ${ACCESS_TOKEN}`);
  if (badAuth.length) problems.push(`API Authorization ${JSON.stringify(badAuth.map((r) => r.auth))}`);
  const post = api.find((r) => r.method === "POST");
  if (post && post.body !== JSON.stringify({ spec: { ttl: "604800s" } })) problems.push(`CreateBranch body ${JSON.stringify(post.body)}`);
  return problems;
}
