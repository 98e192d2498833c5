/** Small loopback servers for the security suite: they record every request they receive. */
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
  readonly body: string;
}

export interface Recorder {
  readonly origin: string;
  readonly seen: Seen[];
  /** TLS handshakes that completed (https only). */
  readonly handshakes: number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(server: Server, scheme: string, host: string, handler: Handler): Promise<Recorder> {
  const seen: Seen[] = [];
  let handshakes = 0;
  server.on("secureConnection", () => void (handshakes += 1));
  server.on("request", async (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method ?? "", url: req.url ?? "", body, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    handler(req, res);
  });
  server.on("tlsClientError", () => {}); // refused handshakes are the point of some tests
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${scheme}://${host}:${port}`,
    seen,
    get handshakes() {
      return handshakes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An http server on 127.0.0.1; `host` names it in the origin (127.0.0.1 or localhost). */
export function httpRecorder(handler: Handler, host = "127.0.0.1"): Promise<Recorder> {
  return listen(createHttp(), "http", host, handler);
}

/** An https server on 127.0.0.1 with the given key and certificate. */
export function httpsRecorder(tls: { key: string; cert: string }, handler: Handler, host = "127.0.0.1"): Promise<Recorder> {
  return listen(createHttps(tls) as unknown as Server, "https", host, handler);
}

export const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
