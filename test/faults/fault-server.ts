import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One request as the server saw it (after its body was fully received). */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
  /** Wall clock (not performance.now): it is compared with Retry-After HTTP-dates. */
  readonly at: number;
}

export type Handler = (req: SeenRequest, res: http.ServerResponse, socket: Socket) => void;

export interface FaultServer {
  /** `http://127.0.0.1:<port>`: loopback, so the SDK accepts plain http. */
  readonly url: string;
  readonly seen: SeenRequest[];
  /** How many requests matched `method` and `path` (query ignored). */
  count(method: string, path: string): number;
  /** Stops listening and destroys every socket: later connections are refused. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A real node:http server on 127.0.0.1, port 0. Real sockets are the point: resets, partial
 * bodies and stalls behave as they do on a network, which an in-process fetch mock cannot show.
 * The handler is called only once the request body has fully arrived, so a fault that destroys
 * the socket always happens after the server "received" the request.
 */
export async function startFaultServer(handler: Handler): Promise<FaultServer> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const entry: SeenRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        body: Buffer.concat(chunks).toString("utf8"),
        headers: req.headers,
        at: Date.now(),
      };
      seen.push(entry);
      handler(entry, res, req.socket);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // A destroyed socket may still emit errors on the server side; they are the fault, not a bug.
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    count: (method, path) => seen.filter((r) => r.method === method && r.path === path).length,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      })),
  };
}
