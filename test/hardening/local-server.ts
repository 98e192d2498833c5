import http from "node:http";
import type { AddressInfo } from "node:net";
import v8 from "node:v8";
import vm from "node:vm";

/** A real HTTP server on 127.0.0.1 (stalls and resets need real sockets, not nock). */
export async function localServer(handler: http.RequestListener): Promise<{ url: string; port: number; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A free port with nothing listening on it (bound, read, closed). */
export async function deadPort(): Promise<number> {
  const server = await localServer(() => {});
  await server.close();
  return server.port;
}

/** Headers, the start of a JSON body, then nothing: the stall that must end in a timeout. */
export function stallBody(res: http.ServerResponse): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.write('{"name":');
}

v8.setFlagsFromString("--expose-gc");
/** `gc()` without --expose-gc on the command line: forces the collections that lost the abort links. */
export const gc = vm.runInNewContext("gc") as () => void;

/** Runs `gc()` every `everyMs` while `work` is pending; resolves to its outcome (value or error). */
export async function settleUnderGc<T>(work: Promise<T>, everyMs = 20): Promise<T | unknown> {
  const timer = setInterval(gc, everyMs);
  try {
    return await work.then(
      (value) => value,
      (error: unknown) => error,
    );
  } finally {
    clearInterval(timer);
  }
}

/** `promise`'s outcome, or the string "HANG" after `ms`. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | "HANG"> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([promise, new Promise<"HANG">((resolve) => (timer = setTimeout(() => resolve("HANG"), ms)))]).finally(() => clearTimeout(timer));
}

/** Servers started by `serve` in this test file, closed after each test. */
export function serversClosedAfterEach(afterEach: (fn: () => Promise<void>) => void) {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return async (handler: http.RequestListener) => {
    const server = await localServer(handler);
    open.push(server);
    return server;
  };
}

/** Answers `body` as JSON with `status`. */
export const json = (res: http.ServerResponse, body: unknown, status = 200) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
