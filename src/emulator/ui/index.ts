/**
 * The emulator's dashboard (issue 14), served by the API server itself at `/`: no extra process,
 * no build step, nothing fetched from elsewhere. Routes:
 * - `GET /`, `/emulator/ui/app.js`, `/emulator/ui/app.css`: the page, without auth (it holds no data);
 * - `GET /emulator/ui/state`: the snapshot (snapshot.ts) as JSON;
 * - `GET /emulator/ui/events`: the same, live, as Server-Sent Events (events.ts);
 * - `POST /emulator/ui/faults`: one fault knob (knobs.ts).
 * The last three take the API's own auth (`Authorization: Bearer <token>`, 401 without), and every
 * route answers only a loopback `Host` (a DNS-rebound name gets 403). Turned off by
 * `startEmulator({ ui: false })` / `--no-ui`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorAuth } from "../auth.js";
import { HttpError } from "../http-errors.js";
import { readBody } from "../server.js";
import { SnapshotStream } from "./events.js";
import { applyKnob } from "./knobs.js";
import { PAGE_HTML } from "./page-html.js";
import { PAGE_SCRIPT } from "./page-script.js";
import { PAGE_CSS } from "./page-style.js";
import { dashboardSnapshot, type SnapshotSources } from "./snapshot.js";

export { RequestLog, isDashboardPath, type LoggedRequest } from "./request-log.js";
export type { DashboardSnapshot } from "./snapshot.js";

/** The dashboard's routes, mounted by server.ts. */
export interface Dashboard {
  /** Answers a request whose path `isDashboardPath`; throws HttpError (401, 403, 404, 400) for server.ts to send. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** Ends the live streams (the emulator stops). */
  close(): void;
}

// The page runs only its own script and style, talks only to this server, and is never framed.
const PAGE_HEADERS = {
  "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
};

const ASSETS: Record<string, { type: string; body: string }> = {
  "/": { type: "text/html; charset=utf-8", body: PAGE_HTML },
  "/emulator/ui/app.js": { type: "text/javascript; charset=utf-8", body: PAGE_SCRIPT },
  "/emulator/ui/app.css": { type: "text/css; charset=utf-8", body: PAGE_CSS },
};

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The Host header's name without the port. */
function hostName(req: IncomingMessage): string {
  try {
    return new URL(`http://${req.headers.host ?? ""}`).hostname;
  } catch {
    return "";
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...PAGE_HEADERS, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** The dashboard over the emulator's state; `auth` checks its data routes exactly as the API's. */
export function createDashboard(sources: SnapshotSources & { readonly auth: EmulatorAuth }): Dashboard {
  const stream = new SnapshotStream(() => JSON.stringify(dashboardSnapshot(sources)));
  return {
    async handle(req, res, url) {
      const method = req.method ?? "GET";
      if (!LOOPBACK_HOSTS.has(hostName(req))) throw new HttpError(403, "PERMISSION_DENIED", "The emulator's dashboard answers only on a loopback host (127.0.0.1 or localhost).");
      const asset = ASSETS[url.pathname];
      if (asset && method === "GET") {
        res.writeHead(200, { ...PAGE_HEADERS, "Content-Type": asset.type, "Content-Length": Buffer.byteLength(asset.body) });
        res.end(asset.body);
        return;
      }
      sources.auth.authenticate(req.headers.authorization);
      if (url.pathname === "/emulator/ui/state" && method === "GET") return sendJson(res, 200, dashboardSnapshot(sources));
      if (url.pathname === "/emulator/ui/events" && method === "GET") return stream.open(res);
      if (url.pathname === "/emulator/ui/faults" && method === "POST") {
        let body: unknown;
        try {
          body = JSON.parse((await readBody(req)) || "{}");
        } catch {
          throw new HttpError(400, "MALFORMED_REQUEST", "Could not parse the request body as JSON");
        }
        if (!body || typeof body !== "object" || Array.isArray(body)) throw new HttpError(400, "MALFORMED_REQUEST", "The body must be a JSON object");
        const done = applyKnob(sources.ctx, body as Record<string, unknown>);
        return sendJson(res, 200, { done, faults: sources.ctx.faults.settings });
      }
      throw new HttpError(404, "ENDPOINT_NOT_FOUND", `No dashboard route for ${method} ${url.pathname}`);
    },
    close: () => stream.close(),
  };
}
