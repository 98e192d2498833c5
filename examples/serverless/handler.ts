// A serverless function that gives every pull request a preview database branch, written as a
// fetch handler (`Request → Response`): the shape Cloudflare Workers, Deno Deploy, Bun and
// Vercel's edge runtime call, and any Node server can adapt.
//
//   POST /preview?pr=123                   → 202 { operation, branch: "…/branches/pr-123", status_url }
//   GET  /preview/status?operation=<name>  → 200 { operation, done: false } or { …, done: true, branch }
//
// Every answer carries `x-token-fetches`: how many OAuth tokens this instance has fetched, to
// show that warm invocations reuse the module-scope client and its token.
import { lakebaseFor, tokenFetchesSoFar, type PreviewEnv } from "./lakebase-client.js";
import { previewStatus, startPreview } from "./preview.js";
import { errorResponse, json } from "./responses.js";

export type { PreviewEnv };

async function route(request: Request, env: PreviewEnv): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/preview" && request.method === "POST") {
    const pr = url.searchParams.get("pr") ?? "";
    if (!/^[1-9]\d{0,8}$/.test(pr)) return json(400, { error: "INVALID_REQUEST", message: "pr must be a pull request number" });
    return startPreview(lakebaseFor(env), pr);
  }
  if (url.pathname === "/preview/status" && request.method === "GET") {
    const operation = url.searchParams.get("operation");
    if (!operation) return json(400, { error: "INVALID_REQUEST", message: "operation is required" });
    return previewStatus(lakebaseFor(env), operation);
  }
  return json(404, { error: "NOT_FOUND", message: `${request.method} ${url.pathname} is not a route here` });
}

export default {
  async fetch(request: Request, env?: PreviewEnv): Promise<Response> {
    // Workers pass bindings as `env`; runtimes that call fetch(request) alone have process.env.
    const bindings = env ?? ((globalThis as { process?: { env: unknown } }).process?.env as PreviewEnv);
    let response: Response;
    try {
      response = await route(request, bindings);
    } catch (error) {
      response = errorResponse(error);
    }
    response.headers.set("x-token-fetches", String(tokenFetchesSoFar()));
    return response;
  },
};
