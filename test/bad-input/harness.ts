import { createLakebaseClient, type LakebaseClient } from "../../src/index.js";

export const HOST = "https://ws.example.com";
export const BASE = "/api/2.0/postgres";

/** What the custom fetch saw: one entry per request that reached the network layer. */
export interface Sent {
  readonly method: string;
  readonly url: URL;
  readonly body: string;
}

/**
 * A client whose fetch records every request and answers with `reply(request)` (default: a
 * pending operation). Tests assert on `sent`: a refused input must leave it empty.
 */
export function recordingClient(reply: (sent: Sent) => unknown = () => ({ name: "projects/p/operations/x", done: false })): {
  client: LakebaseClient;
  sent: Sent[];
} {
  const sent: Sent[] = [];
  const client = createLakebaseClient({
    host: HOST,
    auth: "t",
    retry: false,
    fetch: async (request) => {
      const entry = { method: request.method, url: new URL(request.url), body: await request.text() };
      sent.push(entry);
      const answer = reply(entry);
      return new Response(typeof answer === "string" ? answer : JSON.stringify(answer), {
        status: 200,
        headers: { "Content-Type": "application/json" },
      });
    },
  });
  return { client, sent };
}

/** Settles a call that may throw synchronously, return a promise, or return an operation handle. */
export async function settle(run: () => unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    let value = run();
    if (value && typeof value === "object" && "submitted" in value && typeof (value as { submitted: unknown }).submitted === "function") {
      value = (value as { submitted: () => Promise<unknown> }).submitted();
    } else if (value && typeof value === "object" && "page" in value && typeof (value as { page: unknown }).page === "function") {
      value = (value as { page: () => Promise<unknown> }).page();
    }
    return { ok: true, value: await value };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Ids that a URL parser (or a server decoding once more) would turn into `.`/`..`, a `/`, a query or a fragment. */
export const HOSTILE_IDS: readonly string[] = [
  ".",
  "..",
  "%2e",
  "%2E",
  "%2e%2e",
  "%2E%2e",
  ".%2e",
  "%2e.",
  "%252e%252e",
  "a%2fb",
  "a%2Fb",
  "%2f",
  "a%5cb",
  "a\\b",
  "a?b",
  "a#b",
  "a\u0000b",
  "a\nb",
  "a\u007fb",
];
