/**
 * Live updates for the dashboard as Server-Sent Events (the `text/event-stream` format of the HTML
 * standard, section 9.2): each `snapshot` event carries the whole dashboard JSON, sent when it
 * changed. The emulator's state changes from many places (requests, operations finishing, the
 * proxy's connections, scale to zero), so instead of a hook in each, the snapshot is rebuilt every
 * `intervalMs` while a page is connected and sent only when it differs from the last one sent.
 * The page reads the stream with fetch() — not EventSource, which cannot send the Authorization header.
 */
import type { ServerResponse } from "node:http";

const HEARTBEAT_MS = 15_000;

export class SnapshotStream {
  readonly #clients = new Set<ServerResponse>();
  #timer: NodeJS.Timeout | undefined;
  #last = "";
  #lastWrite = 0;

  constructor(
    private readonly snapshotJson: () => string,
    private readonly intervalMs = 250,
  ) {}

  /** Turns `res` into an event stream: the current snapshot at once, then every change until the client leaves. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
    });
    res.socket?.setNoDelay(true);
    const json = this.snapshotJson();
    // Pages already connected get a change first, or they would miss it (#last moves on here).
    if (json !== this.#last) this.#broadcast(frame(json));
    this.#last = json;
    res.write(`retry: 1000\n\n${frame(json)}`);
    this.#clients.add(res);
    res.once("close", () => this.#clients.delete(res));
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#tick(), this.intervalMs);
      this.#timer.unref();
    }
  }

  /** Pages connected now. */
  get size(): number {
    return this.#clients.size;
  }

  #tick(): void {
    if (this.#clients.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const json = this.snapshotJson();
    const now = Date.now();
    if (json !== this.#last) this.#broadcast(frame(json));
    // A comment line now and then keeps idle proxies and the page's stall check quiet.
    else if (now - this.#lastWrite > HEARTBEAT_MS) this.#broadcast(": heartbeat\n\n");
    this.#last = json;
  }

  #broadcast(text: string): void {
    this.#lastWrite = Date.now();
    for (const client of this.#clients) client.write(text);
  }

  /** Ends every stream (the emulator stops). */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }
}

/** One `snapshot` event; JSON.stringify leaves no raw newline, so one data line carries it. */
const frame = (json: string) => `event: snapshot\ndata: ${json}\n\n`;
