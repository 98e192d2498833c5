import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { EmulatorAuth } from "./auth.js";
import { errors, HttpError } from "./http-errors.js";
import { Reply } from "./reply.js";
import { handlerFor, route } from "./router.js";
import type { EmulatorContext } from "./state.js";
import { isDashboardPath } from "./ui/request-log.js";
import type { Dashboard } from "./ui/index.js";

const MAX_BODY_BYTES = 1024 * 1024;

/** A request's body as text, refused (413) past 1 MiB. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "RESOURCE_EXHAUSTED", "request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** One answered API request, for request logs: the path never carries the query string (page tokens). */
export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? "/", "http://emulator").pathname;
  } catch {
    return "(unparsable URL)";
  }
}

/**
 * The emulator's HTTP front: OAuth endpoints, the current-user API, fault controls, every
 * `/api/2.0/postgres/…` operation of the spec, and the dashboard (`/` and `/emulator/ui/…`) when
 * given one. Loopback only. `onRequest` hears of each response once it is sent.
 */
export function createApiServer(
  ctx: EmulatorContext,
  auth: EmulatorAuth,
  log: (message: string) => void,
  onRequest?: (request: RequestRecord) => void,
  dashboard?: Dashboard,
): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://emulator");
    const method = req.method ?? "GET";
    const requestId = randomBytes(8).toString("hex");
    res.setHeader("x-request-id", requestId);
    try {
      if (url.pathname === "/oidc/.well-known/oauth-authorization-server" && method === "GET") {
        const base = `http://${req.headers.host}`;
        return send(res, 200, {
          issuer: `${base}/oidc`,
          authorization_endpoint: `${base}/oidc/v1/authorize`,
          token_endpoint: `${base}/oidc/v1/token`,
          grant_types_supported: ["client_credentials"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        });
      }
      if (url.pathname === "/oidc/v1/token" && method === "POST") {
        const form = new URLSearchParams(await readBody(req));
        return send(res, 200, auth.issueToken(req.headers.authorization, form), { "Cache-Control": "no-store" });
      }
      // The dashboard authenticates its data routes itself: its page and assets are served without a token.
      if (dashboard && isDashboardPath(url.pathname)) return await dashboard.handle(req, res, url);
      const identity = auth.authenticate(req.headers.authorization);
      if (url.pathname === "/api/2.0/preview/scim/v2/Me" && method === "GET") {
        return send(res, 200, { id: identity.id, userName: identity.userName, active: true, ...(identity.kind === "service-principal" ? { applicationId: identity.userName } : {}) });
      }
      if (url.pathname === "/emulator/faults") {
        if (method === "POST") ctx.faults.set(JSON.parse((await readBody(req)) || "{}"));
        return send(res, 200, ctx.faults.settings);
      }
      const matched = route(method, url.pathname);
      const handler = matched && handlerFor(matched.id);
      if (!matched || !handler) throw errors.noRoute(method, url.pathname);

      const { latencyMs, retryAfterSeconds } = ctx.faults.settings;
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
      const injected = ctx.faults.httpFailure();
      if (injected === 429) throw errors.throttled(retryAfterSeconds);
      if (injected === 503) throw errors.unavailable(retryAfterSeconds);

      const text = method === "GET" || method === "DELETE" ? "" : await readBody(req);
      let body: Record<string, unknown> | undefined;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          throw new HttpError(400, "MALFORMED_REQUEST", "Could not parse the request body as JSON");
        }
      }
      const result = await handler(ctx, { params: matched.params, query: url.searchParams, body, identity });
      // A long-running operation's timeline entry learns which method started it (the dashboard shows it).
      const operationName = ((result instanceof Reply ? result.body : result) as { name?: unknown } | undefined)?.name;
      if (typeof operationName === "string" && operationName.includes("/operations/")) ctx.operations.label(operationName, matched.id);
      if (result instanceof Reply) send(res, 200, result.body, result.headers);
      else send(res, 200, result);
    } catch (error) {
      if (error instanceof HttpError) return send(res, error.status, error.body, error.headers);
      log(`internal error on ${method} ${url.pathname}: ${(error as Error)?.stack ?? String(error)}`);
      send(res, 500, {
        error_code: "INTERNAL_ERROR",
        message: `The request could not be processed. Please try again later and contact Databricks if the problem persists. [TraceId: ${requestId}]`,
      });
    }
  };
  return createServer((req, res) => {
    if (onRequest) {
      const started = performance.now();
      res.once("finish", () => {
        try {
          onRequest({ method: req.method ?? "GET", path: pathOf(req), status: res.statusCode, durationMs: performance.now() - started });
        } catch (error) {
          log(`onRequest threw: ${String(error)}`);
        }
      });
    }
    handle(req, res).catch((error) => {
      log(`unhandled: ${String(error)}`);
      if (!res.headersSent) send(res, 500, { error_code: "INTERNAL_ERROR", message: "internal error" });
    });
  });
}
