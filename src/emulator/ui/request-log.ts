import type { RequestRecord } from "../server.js";

/** One API request as the dashboard lists it: what `--verbose` logs, plus when. Never a header, body or query string. */
export interface LoggedRequest extends RequestRecord {
  /** When the answer was sent, epoch ms. */
  readonly at: number;
}

/** The dashboard's own paths (the page, its assets, state, events and knobs): not listed, or the page would list itself. */
export function isDashboardPath(path: string): boolean {
  return path === "/" || path.startsWith("/emulator/ui/");
}

/** The last `capacity` API requests answered, oldest first: the dashboard's request list. */
export class RequestLog {
  readonly #entries: LoggedRequest[] = [];

  constructor(private readonly capacity = 200) {}

  /** Records an answered request (the server's `onRequest`); the dashboard's own requests are skipped. */
  add(request: RequestRecord, at = Date.now()): void {
    if (isDashboardPath(request.path)) return;
    // Copy the four fields only: whatever else a caller's record carries stays out of the dashboard.
    this.#entries.push({ method: request.method, path: request.path, status: request.status, durationMs: Math.round(request.durationMs * 10) / 10, at });
    if (this.#entries.length > this.capacity) this.#entries.splice(0, this.#entries.length - this.capacity);
  }

  /** The most recent `limit` requests, newest first. */
  recent(limit: number): LoggedRequest[] {
    return this.#entries.slice(-limit).reverse();
  }
}
