/**
 * The few pieces of the PostgreSQL v3 wire protocol the token-checking proxy needs: the untyped
 * startup-phase packets a client sends first, the typed messages it sends after, and the handful of
 * server messages the proxy writes itself (password request, ErrorResponse).
 */

export const PROTOCOL_3_0 = 196608; // 3 << 16
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
/** The server rejects longer startup packets the same way (`MAX_STARTUP_PACKET_LENGTH`). */
export const MAX_STARTUP_LENGTH = 10_000;

export type StartupPacket =
  | { kind: "ssl" }
  | { kind: "gssenc" }
  | { kind: "cancel"; raw: Buffer }
  | { kind: "startup"; version: number; params: Map<string, string> }
  | { kind: "unsupported"; version: number }
  | { kind: "invalid"; reason: string };

/** Reads the int32 length of an untyped startup-phase packet, or `undefined` when fewer than 4 bytes are buffered. */
export function startupLength(buffer: Buffer): number | undefined {
  return buffer.length >= 4 ? buffer.readInt32BE(0) : undefined;
}

/** Decodes one complete untyped startup-phase packet (length included). */
export function parseStartupPacket(packet: Buffer): StartupPacket {
  if (packet.length < 8) return { kind: "invalid", reason: "invalid length of startup packet" };
  const code = packet.readInt32BE(4);
  if (code === SSL_REQUEST && packet.length === 8) return { kind: "ssl" };
  if (code === GSSENC_REQUEST && packet.length === 8) return { kind: "gssenc" };
  if (code === CANCEL_REQUEST && packet.length === 16) return { kind: "cancel", raw: Buffer.from(packet) };
  if (code >>> 16 !== 3) return { kind: "unsupported", version: code };
  const params = new Map<string, string>();
  let offset = 8;
  while (offset < packet.length) {
    const keyEnd = packet.indexOf(0, offset);
    if (keyEnd < 0) return { kind: "invalid", reason: "invalid startup packet layout: expected terminator as last byte" };
    if (keyEnd === offset) {
      // The empty key terminates the list; it must be the last byte.
      if (keyEnd !== packet.length - 1) return { kind: "invalid", reason: "invalid startup packet layout: expected terminator as last byte" };
      return { kind: "startup", version: code, params };
    }
    const valueEnd = packet.indexOf(0, keyEnd + 1);
    if (valueEnd < 0) return { kind: "invalid", reason: "invalid startup packet layout: expected terminator as last byte" };
    params.set(packet.toString("utf8", offset, keyEnd), packet.toString("utf8", keyEnd + 1, valueEnd));
    offset = valueEnd + 1;
  }
  return { kind: "invalid", reason: "invalid startup packet layout: expected terminator as last byte" };
}

/** Encodes a StartupMessage with the given protocol version and parameters. */
export function encodeStartup(version: number, params: Map<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of params) parts.push(Buffer.from(`${key}\0${value}\0`, "utf8"));
  parts.push(Buffer.from([0]));
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(version, 4);
  return Buffer.concat([header, body]);
}

/** `AuthenticationCleartextPassword` (R, code 3). */
export function authenticationCleartextPassword(): Buffer {
  const message = Buffer.alloc(9);
  message.write("R", 0, "latin1");
  message.writeInt32BE(8, 1);
  message.writeInt32BE(3, 5);
  return message;
}

export type Severity = "FATAL" | "ERROR";

/** An ErrorResponse (E) with severity, SQLSTATE and message, as the server sends it. */
export function errorResponse(severity: Severity, code: string, message: string): Buffer {
  const fields = Buffer.from(`S${severity}\0V${severity}\0C${code}\0M${message}\0\0`, "utf8");
  const header = Buffer.alloc(5);
  header.write("E", 0, "latin1");
  header.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([header, fields]);
}

/** Reads the typed message at the start of `buffer`: `undefined` while it is incomplete. */
export function typedMessage(buffer: Buffer): { type: string; body: Buffer; size: number } | undefined {
  if (buffer.length < 5) return undefined;
  const length = buffer.readInt32BE(1);
  if (length < 4) return { type: String.fromCharCode(buffer[0] ?? 0), body: Buffer.alloc(0), size: -1 };
  if (buffer.length < 1 + length) return undefined;
  return { type: String.fromCharCode(buffer[0] ?? 0), body: buffer.subarray(5, 1 + length), size: 1 + length };
}

/**
 * Follows message boundaries in a stream of typed messages (the server → client direction), so the
 * proxy knows when it may inject a message of its own without corrupting the stream.
 */
export class MessageBoundaryTracker {
  /** Bytes still owed to the current message's body. */
  private remaining = 0;
  /** Bytes of the current 5-byte header seen so far. */
  private header: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - offset);
        this.remaining -= take;
        offset += take;
        continue;
      }
      const take = Math.min(5 - this.header.length, chunk.length - offset);
      this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + take)]);
      offset += take;
      if (this.header.length === 5) {
        this.remaining = Math.max(0, this.header.readInt32BE(1) - 4);
        this.header = Buffer.alloc(0);
      }
    }
  }

  /** True between two messages. */
  get atBoundary(): boolean {
    return this.remaining === 0 && this.header.length === 0;
  }
}
