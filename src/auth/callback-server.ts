/**
 * The loopback HTTP server that receives the OAuth redirect (`http://localhost:<port>`).
 * Port 8020 first, then 8021…8040 when busy (docs/auth.md#callback-port-range); a pinned port disables the fallback.
 * Bound to loopback only (127.0.0.1, plus ::1 when available). Node-only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { AuthenticationFailedError } from "./errors.js";
import { scrub } from "./secrets.js";

/** A fixed port, or a range tried in order. */
export type CallbackPorts = number | { readonly first: number; readonly last: number };

export const DEFAULT_CALLBACK_PORTS = /* @__PURE__ */ Object.freeze({ first: 8020, last: 8040 });

export interface CallbackResult {
  readonly code: string;
}

export interface CallbackServer {
  readonly port: number;
  /** `http://localhost:<port>` — exactly what goes in `redirect_uri`. */
  readonly redirectUri: string;
  /** Resolves with the code once a redirect with the expected `state` arrives. */
  waitForCode(state: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<CallbackResult>;
  close(): Promise<void>;
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif"><h1>${title}</h1><p>${text}</p></body>`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** Start the callback server on the first free port of `ports`. */
export async function startCallbackServer(provider: string, ports: CallbackPorts = DEFAULT_CALLBACK_PORTS): Promise<CallbackServer> {
  const range = typeof ports === "number" ? { first: ports, last: ports } : ports;
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(404).end();
  };
  const dispatch = (req: IncomingMessage, res: ServerResponse) => handler(req, res);
  const primary = createServer(dispatch);
  let port: number | undefined;
  for (let p = range.first; p <= range.last; p++) {
    try {
      await listen(primary, p, "127.0.0.1");
      port = p;
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== "EADDRINUSE" && (error as { code?: string }).code !== "EACCES") throw error;
    }
  }
  if (port === undefined) {
    throw new AuthenticationFailedError(provider, `no free loopback port for the OAuth redirect in ${range.first}-${range.last}`);
  }
  // Browsers may resolve localhost to ::1 first; listen there too when possible.
  const secondary = createServer(dispatch);
  await listen(secondary, port, "::1").catch(() => {});
  const servers = [primary, secondary];

  return {
    port,
    redirectUri: `http://localhost:${port}`,
    waitForCode(state, { timeoutMs, signal }) {
      return new Promise<CallbackResult>((resolve, reject) => {
        let settled = false;
        const finish = (fn: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          fn();
        };
        const timer = setTimeout(
          () => finish(() => reject(new AuthenticationFailedError(provider, `no OAuth redirect arrived within ${Math.round(timeoutMs / 1000)} s`))),
          timeoutMs,
        );
        const onAbort = () => finish(() => reject(signal?.reason ?? new DOMException("aborted", "AbortError")));
        if (signal?.aborted) return onAbort();
        signal?.addEventListener("abort", onAbort, { once: true });

        handler = (req, res) => {
          const url = new URL(req.url ?? "/", "http://localhost");
          if (req.method !== "GET" || url.pathname !== "/" || settled) {
            res.writeHead(404).end();
            return;
          }
          const q = url.searchParams;
          const error = q.get("error");
          const send = (status: number, title: string, text: string) =>
            res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(PAGE(title, escapeHtml(text)));
          if (q.get("state") !== state) {
            send(400, "Login failed", "The state parameter did not match. Start the login again.");
            finish(() => reject(new AuthenticationFailedError(provider, "the OAuth redirect carried the wrong state (possible CSRF); login aborted")));
            return;
          }
          if (error) {
            const description = scrub(q.get("error_description") ?? "", [], 200);
            send(400, "Login failed", `${error}${description ? `: ${description}` : ""}`);
            finish(() => reject(new AuthenticationFailedError(provider, `authorization failed: ${scrub(error, [], 60)}${description ? `: ${description}` : ""}`, { oauthError: scrub(error, [], 60) })));
            return;
          }
          const code = q.get("code");
          if (!code) {
            send(400, "Login failed", "The redirect carried no authorization code.");
            finish(() => reject(new AuthenticationFailedError(provider, "the OAuth redirect carried no code")));
            return;
          }
          send(200, "Login complete", "You can close this tab and return to the application.");
          finish(() => resolve({ code }));
        };
      });
    },
    async close() {
      await Promise.all(servers.map(closeServer));
    },
  };
}
