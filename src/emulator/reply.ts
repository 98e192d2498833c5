/** A handler's answer with response headers of its own (e.g. `Warning`); server.ts sends `body` as JSON with them. */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly headers: Record<string, string>,
  ) {}
}

/**
 * An HTTP `Warning` header value (RFC 9111 section 5.5 / RFC 7234): code 299 (miscellaneous
 * persistent warning), no agent, the text as a quoted string (printable ASCII only).
 */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/[^\x20-\x7e]/g, "?").replace(/["\\]/g, "\\$&")}"`;
}
