// Shared by the event tests: a nock'd workspace, a client that records its events, and the
// secrets that must never show up in an event or a debug line.
import nock from "nock";
import { afterEach, beforeAll } from "vitest";
import { createLakebaseClient, type LakebaseClientOptions, type LakebaseEvent } from "../../src/index.js";

export const HOST = "https://ws.example.com";
export const BASE = "/api/2.0/postgres";
export const PAT = "dapi-0123456789abcdef-EVENTS";

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** A client whose events land in `events` (and its debug lines in `lines`, when debug is on). */
export function recordingClient(extra: Partial<LakebaseClientOptions> = {}) {
  const events: LakebaseEvent[] = [];
  const lines: string[] = [];
  const client = createLakebaseClient({
    host: HOST,
    auth: PAT,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    onEvent: (event) => events.push(event),
    ...extra,
  });
  return { client, events, lines };
}

/** The events as `type` or `type:detail` words, for order assertions. */
export function sequence(events: readonly LakebaseEvent[]): string[] {
  return events.map((e) => {
    switch (e.type) {
      case "request":
        return `request:${e.operationId}`;
      case "response":
        return `response:${e.operationId}:${e.status ?? e.error}`;
      case "retry":
        return `retry:${e.reason}`;
      case "poll":
        return `poll:${e.polls}:${e.state}`;
      case "page":
        return `page:${e.page}:${e.items}:${e.hasNext ? "more" : "last"}`;
      case "token_refresh":
        return `token_refresh:${e.provider}:${e.outcome}`;
    }
  });
}
