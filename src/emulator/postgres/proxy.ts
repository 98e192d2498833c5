/**
 * The token-checking front proxy: one loopback listener per endpoint. It answers the startup phase
 * itself (SSLRequest: `S` and a TLS handshake when given a certificate, else `N`; GSSENCRequest: `N`;
 * cleartext password request, token check, role and database lookup, wake-up after suspend), then
 * opens a connection to the branch's real server, replays the client's StartupMessage with the
 * upstream database, and pipes bytes both ways untouched (decrypted on the client side when TLS is on).
 *
 * ## Identities and Postgres roles
 * As in the service, a connection runs as the Postgres role named after the identity that logged in
 * (a user's email, a service principal's application id):
 * - The proxy asks for a password and calls `authenticate(user, password, database)`. In the
 *   emulator that checks the token *and* that it was issued to the identity named `user`, so the
 *   startup `user` is the identity. Anything refused there gets `FATAL 28P01 password
 *   authentication failed for user "<user>"`, before any role is looked at.
 * - The client's `user` goes upstream unchanged: the session user is that role, and `current_user`,
 *   `session_user`, ownership of new objects, GRANTs and row-level security all apply to it.
 * - A role that does not exist gets `FATAL 28000 role "<user>" does not exist`, one that is NOLOGIN
 *   (Roles API `auth_method: NO_LOGIN`) `FATAL 28000 role "<user>" is not permitted to log in`: the
 *   PostgreSQL server's own answers, checked before the database as the server does. The reference
 *   records no live answer of the service for an identity without a role; this is the server's.
 * - The project owner's role exists from project creation; other identities need one from the
 *   Roles API (`postgres_role` = the email or application id). Roles that stand for identities
 *   are created LOGIN.
 * - The emulator's own work (`query()`, databases, roles, forks) still runs as `postgres`.
 * - System engine: the branch's server trusts its private unix socket for every role (pg_hba
 *   `local all all trust`) and itself answers 28000 and 3D000.
 * - PGlite: the instance has one session, authenticated as `postgres`, and ignores the startup user.
 *   The proxy answers 28000 itself (`checkRole`), and the worker runs each connection's messages
 *   under `SET SESSION AUTHORIZATION <role>`, switched between transactions when another
 *   connection's turn comes. Limits: that session was authenticated as a superuser, so a client can
 *   itself `SET SESSION AUTHORIZATION` to any role, `postgres` included; `SET ROLE` and other session
 *   settings do not survive another connection's turn; a role dropped while connected gets FATAL
 *   28000 on its next message, and the connection is closed.
 * - Order of the checks: token (28P01), connection slot (53300, PGlite only), role (28000),
 *   database (3D000).
 */
import { createServer, type Server, type Socket } from "node:net";
import { createSecureContext, TLSSocket, type SecureContext } from "node:tls";
import type { EndpointListener, EndpointOptions, EndpointTls } from "./types.js";
import {
  MAX_STARTUP_LENGTH,
  MessageBoundaryTracker,
  authenticationCleartextPassword,
  encodeStartup,
  errorResponse,
  parseStartupPacket,
  typedMessage,
} from "./protocol.js";

/** What the proxy needs to know about the server behind an endpoint. */
export interface ProxyUpstream {
  /** The upstream database for a client-visible name; `undefined` → 3D000. */
  mapDatabase(database: string): string | undefined;
  /**
   * For an upstream that does not check the startup `user` itself (PGlite): the server's refusal of
   * this role (`28000 role "x" does not exist` / `… is not permitted to log in`), or undefined to admit.
   * Without it the upstream answers for itself. The client's `user` is always passed upstream as is.
   */
  checkRole?(role: string): Promise<{ code: string; message: string } | undefined>;
  /** Opens a byte stream to the upstream server. */
  connect(): Socket;
  /** Admission control (PGlite's connection cap): false refuses the client with 53300. */
  acquire?(): boolean;
  release?(): void;
}

export interface ProxyListenerOptions extends EndpointOptions {
  log?: (message: string) => void;
  /** The server's TLS identity: SSLRequest is answered `S` and the socket upgraded. Without it, `N`. */
  tls?: EndpointTls;
  /** Called once after close(). */
  onClose?: () => void;
}

const HANDSHAKE_TIMEOUT_MS = 30_000;
const FLUSH_GRACE_MS = 2_000;
const noop = (): void => {};

/** Buffers a socket's bytes during the startup phase so the handshake can await whole packets. */
class HandshakeReader {
  private buffer: Buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(private readonly socket: Socket) {
    socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("close", this.onEnd);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.wake?.();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake?.();
  };

  /** Waits until `parse` recognises something at the front of the buffer; `undefined` on EOF. */
  async until<T>(parse: (buffer: Buffer) => T | undefined): Promise<T | undefined> {
    for (;;) {
      const result = parse(this.buffer);
      if (result !== undefined) return result;
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** Bytes buffered beyond what was taken. */
  get pending(): number {
    return this.buffer.length;
  }

  take(length: number): Buffer {
    const head = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return head;
  }

  /** Stops buffering and returns whatever arrived beyond the handshake (pipelined messages). */
  detach(): Buffer {
    this.socket.pause();
    this.socket.off("data", this.onData);
    this.socket.off("end", this.onEnd);
    this.socket.off("close", this.onEnd);
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest;
  }
}

class ProxyConnection {
  upstream: Socket | undefined;
  bridged = false;
  closing = false;
  /** The client's stream: the TCP socket, or the TLSSocket over it once upgraded. */
  client: Socket;
  private readonly tracker = new MessageBoundaryTracker();
  /** Holds one of the upstream's admission slots (acquire() said yes, release() not called yet). */
  private holdsSlot = false;

  constructor(
    /** The accepted TCP socket (under the TLS layer once upgraded). */
    readonly raw: Socket,
    private readonly listener: ProxyListener,
  ) {
    this.client = raw;
  }

  /** Runs the startup phase; on success the connection is bridged to the upstream. */
  async handshake(): Promise<void> {
    let reader = new HandshakeReader(this.raw);
    const timer = setTimeout(() => this.kill(), HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    try {
      let startup: { version: number; params: Map<string, string> } | undefined;
      // As the server: one SSLRequest and one GSSENCRequest at most, and none after TLS is on.
      let sslDone = false;
      let gssDone = false;
      while (!startup) {
        const length = await reader.until((b) => (b.length >= 4 ? b.readInt32BE(0) : undefined));
        if (length === undefined || this.closing) return;
        if (length < 8 || length > MAX_STARTUP_LENGTH) return this.fail("08P01", "invalid length of startup packet");
        const packet = await reader.until((b) => (b.length >= length ? true : undefined));
        if (packet === undefined || this.closing) return;
        const parsed = parseStartupPacket(reader.take(length));
        switch (parsed.kind) {
          case "ssl": {
            if (sslDone) return this.fail("0A000", `unsupported frontend protocol 1234.5679: server supports 3.0 to 3.0`);
            sslDone = true;
            const context = this.listener.secureContext;
            if (!context) {
              this.client.write("N");
              continue;
            }
            // Bytes sent before the handshake would be read as if they had come encrypted (CVE-2021-23214).
            if (reader.pending > 0) return this.fail("08P01", "received unencrypted data after SSL request");
            reader.detach();
            this.client.write("S");
            const secure = await this.startTls(context);
            if (!secure || this.closing) return;
            gssDone = true;
            reader = new HandshakeReader(secure);
            continue;
          }
          case "gssenc":
            if (gssDone) return this.fail("0A000", `unsupported frontend protocol 1234.5680: server supports 3.0 to 3.0`);
            gssDone = true;
            this.client.write("N");
            continue;
          case "cancel":
            this.forwardCancel(parsed.raw);
            return;
          case "unsupported":
            return this.fail(
              "0A000",
              `unsupported frontend protocol ${parsed.version >>> 16}.${parsed.version & 0xffff}: server supports 3.0 to 3.0`,
            );
          case "invalid":
            return this.fail("08P01", parsed.reason);
          case "startup":
            startup = parsed;
        }
      }

      const { client } = this;
      const user = startup.params.get("user") ?? "";
      if (!user) return this.fail("28000", "no PostgreSQL user name specified in startup packet");
      const database = startup.params.get("database") || user;

      if (this.listener.refuseWhileWaking()) return this.fail("57P03", "the database system is starting up");

      client.write(authenticationCleartextPassword());
      const reply = await reader.until(typedMessage);
      if (reply === undefined || this.closing) return;
      if (reply.size < 0 || reply.type !== "p") {
        return this.fail("08P01", `expected password response, got message type ${reply.type.charCodeAt(0)}`);
      }
      reader.take(reply.size);
      const end = reply.body.indexOf(0);
      const password = reply.body.toString("utf8", 0, end < 0 ? reply.body.length : end);
      const authFailed = `password authentication failed for user "${user}"`;
      if (!password) return this.fail("28P01", authFailed);
      let admitted = false;
      try {
        admitted = (await this.listener.options.authenticate(user, password, database)) === true;
      } catch (error) {
        this.listener.log(`authenticate() threw for user "${user}": ${String(error)}`);
      }
      if (this.closing) return;
      if (!admitted) return this.fail("28P01", authFailed);

      // A connection slot before anything else reaches the upstream (the role check below connects to it).
      if (this.listener.upstream.acquire) {
        if (!this.listener.upstream.acquire()) return this.fail("53300", "sorry, too many clients already");
        this.holdsSlot = true;
      }

      // As the server: the role is looked at after authentication and before the database.
      if (this.listener.upstream.checkRole) {
        let refusal: { code: string; message: string } | undefined;
        try {
          refusal = await this.listener.upstream.checkRole(user);
        } catch (error) {
          refusal = { code: "08006", message: `could not reach the branch's server: ${String(error)}` };
        }
        if (this.closing) return;
        if (refusal) return this.fail(refusal.code, refusal.message);
      }

      const upstreamDatabase = this.listener.upstream.mapDatabase(database);
      if (upstreamDatabase === undefined) return this.fail("3D000", `database "${database}" does not exist`);

      // The client's user goes upstream as is: the session runs as the identity's own role.
      const params = new Map(startup.params);
      params.set("database", upstreamDatabase);
      const pipelined = reader.detach();
      this.bridge(encodeStartup(startup.version, params), pipelined);
    } finally {
      clearTimeout(timer);
      // Refused, closed or failed before the bridge: the slot goes back now (a bridge releases it on close).
      if (!this.bridged) this.release();
    }
  }

  /** Server side of the TLS handshake over the raw socket: the secure stream, or undefined if it failed. */
  private startTls(context: SecureContext): Promise<TLSSocket | undefined> {
    const secure = new TLSSocket(this.raw, { isServer: true, secureContext: context, ALPNProtocols: ["postgresql"] });
    secure.on("error", noop); // a client refusing the certificate is routine; "close" follows
    // Once upgraded, the TLS layer owns the TCP handle and the raw socket may never emit "close":
    // the connection ends when the secure stream does (a lingering entry would later be reset
    // under a TLS layer that is gone, which left node's event loop spinning).
    secure.once("close", () => this.listener.forget(this));
    this.client = secure;
    return new Promise((resolve) => {
      secure.once("secure", () => resolve(secure));
      secure.once("close", () => resolve(undefined));
    });
  }

  private bridge(startup: Buffer, pipelined: Buffer): void {
    const { client } = this;
    let upstream: Socket;
    try {
      upstream = this.listener.upstream.connect();
    } catch (error) {
      this.release();
      return this.fail("08006", `could not reach the branch's server: ${String(error)}`);
    }
    this.upstream = upstream;
    this.bridged = true;
    upstream.setNoDelay(true);
    let heardUpstream = false;
    upstream.write(startup);
    if (pipelined.length > 0) upstream.write(pipelined);

    upstream.on("data", (chunk: Buffer) => {
      heardUpstream = true;
      this.tracker.push(chunk);
      if (!client.write(chunk)) upstream.pause();
    });
    client.on("drain", () => upstream.resume());
    client.on("data", (chunk: Buffer) => {
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on("drain", () => client.resume());
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    upstream.on("error", (error: Error) => {
      if (this.closing) return;
      if (!heardUpstream) {
        this.listener.log(`upstream connection failed: ${error.message}`);
        this.closing = true;
        client.end(errorResponse("FATAL", "08006", `could not reach the branch's server: ${error.message}`));
      } else {
        client.destroy();
      }
    });
    upstream.on("close", (hadError: boolean) => {
      this.release();
      if (this.closing) return;
      if (hadError) client.destroy();
      else {
        client.end();
        setTimeout(() => client.destroy(), FLUSH_GRACE_MS).unref();
      }
    });
    client.on("close", () => {
      this.release();
      upstream.destroy();
    });
    client.resume();
  }

  private forwardCancel(raw: Buffer): void {
    try {
      const socket = this.listener.upstream.connect();
      socket.on("error", noop);
      socket.end(raw);
    } catch {
      // A cancel is best effort, as in the server itself.
    }
    this.client.end();
  }

  /** Sends a FATAL ErrorResponse and closes the connection. */
  private fail(code: string, message: string): void {
    this.closing = true;
    this.client.end(errorResponse("FATAL", code, message));
    setTimeout(() => this.client.destroy(), FLUSH_GRACE_MS).unref();
  }

  private release(): void {
    if (!this.holdsSlot) return;
    this.holdsSlot = false;
    this.listener.upstream.release?.();
  }

  /** Scale-to-zero: tell the client the server is going away (when between messages), then close. */
  terminate(): void {
    if (this.closing) return;
    this.closing = true;
    const { upstream, client } = this;
    if (upstream) {
      upstream.removeAllListeners("data");
      upstream.removeAllListeners("end");
      upstream.on("error", noop);
      upstream.destroy();
    }
    if (this.bridged && this.tracker.atBoundary && client.writable) {
      client.end(errorResponse("FATAL", "57P01", "terminating connection due to administrator command"));
      setTimeout(() => client.destroy(), FLUSH_GRACE_MS).unref();
    } else {
      client.destroy();
    }
  }

  /** Fault injection: abrupt close (TCP reset) of the client socket and of its upstream. */
  kill(): void {
    this.closing = true;
    this.upstream?.destroy();
    // A reset is a TCP matter: on the raw socket, also under TLS (a TLSSocket refuses resetAndDestroy,
    // and closes by itself once its socket is gone; destroying it now would send a FIN first). Not
    // once the TLS stream has ended (a pool that said goodbye, inside the flush grace): resetting the
    // socket under a TLS layer that is still there but done left node's event loop spinning.
    if (this.client !== this.raw && this.client.readyState !== "open") {
      this.client.destroy();
      return;
    }
    if (typeof this.raw.resetAndDestroy === "function" && !this.raw.destroyed) this.raw.resetAndDestroy();
    else {
      this.raw.destroy();
      this.client.destroy();
    }
  }
}

export class ProxyListener implements EndpointListener {
  readonly host = "127.0.0.1" as const;
  private actualPort = 0;
  private readonly connections = new Set<ProxyConnection>();

  /** A connection has closed (its TCP socket, or its TLS stream once upgraded). */
  forget(connection: ProxyConnection): void {
    if (!this.connections.delete(connection)) return;
    if (this.connections.size === 0) this.idleSinceMs = Date.now();
  }
  private isSuspended = false;
  private isDisabled = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly server: Server;
  /** Set when the endpoint serves TLS. */
  readonly secureContext: SecureContext | undefined;

  constructor(
    readonly upstream: ProxyUpstream,
    readonly options: ProxyListenerOptions,
  ) {
    this.secureContext = options.tls && createSecureContext({ key: options.tls.key, cert: options.tls.cert, minVersion: "TLSv1.2" });
    this.server = createServer((socket) => this.accept(socket));
    this.server.on("error", (error) => this.log(`endpoint listener error: ${error.message}`));
  }

  get port(): number {
    return this.actualPort;
  }

  get suspended(): boolean {
    return this.isSuspended || this.isDisabled;
  }

  private idleSinceMs: number | undefined = Date.now();

  /** Client connections open now (those still in their startup phase too): the dashboard shows them. */
  get openConnections(): number {
    return this.connections.size;
  }

  /** Suspended, and a connection attempt has started the wake-up clock. */
  get waking(): boolean {
    return this.wakeTimer !== undefined;
  }

  /** Since when no client connection has been open (epoch ms), or undefined while one is. */
  get idleSince(): number | undefined {
    return this.connections.size === 0 ? this.idleSinceMs : undefined;
  }

  /** A disabled endpoint (spec.disabled) is suspended and does not wake on connect until enabled. */
  setDisabled(disabled: boolean): void {
    if (disabled && !this.isDisabled) this.suspend();
    this.isDisabled = disabled;
    if (!disabled) this.isSuspended = false;
  }

  log(message: string): void {
    this.options.log?.(message);
  }

  /** Binds `options.port` when given and free (an endpoint restored from a data directory keeps its port), else any free port. */
  async listen(): Promise<this> {
    const preferred = this.options.port ?? 0;
    try {
      await this.bind(preferred);
    } catch (error) {
      if (preferred === 0 || (error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
      this.log(`endpoint port ${preferred} is in use; listening on another`);
      await this.bind(0);
    }
    const address = this.server.address();
    if (address === null || typeof address === "string") throw new Error("endpoint listener has no TCP address");
    this.actualPort = address.port;
    return this;
  }

  private bind(port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      // Loopback only, by design: the emulator never listens beyond 127.0.0.1.
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.on("error", noop); // resets and aborted clients are routine; the close handlers clean up
    const connection = new ProxyConnection(socket, this);
    this.connections.add(connection);
    this.idleSinceMs = undefined;
    socket.once("close", () => this.forget(connection));
    connection.handshake().catch((error: unknown) => {
      this.log(`endpoint handshake failed: ${String(error)}`);
      connection.kill();
    });
  }

  /**
   * Called for every authenticated-to-be connection attempt: while suspended, the first attempt
   * starts the wake-up clock and every attempt before it runs out is refused (57P03).
   */
  refuseWhileWaking(): boolean {
    if (this.isDisabled) return true;
    if (!this.isSuspended) return false;
    if (!this.wakeTimer) {
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = undefined;
        this.isSuspended = false;
        this.idleSinceMs = Date.now(); // just woken: the idle clock starts again
      }, this.options.wakeUpMs ?? 1000);
      this.wakeTimer.unref();
    }
    return true;
  }

  suspend(): void {
    if (this.closed) return;
    this.isSuspended = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    for (const connection of this.connections) connection.terminate();
  }

  dropConnections(): void {
    for (const connection of this.connections) connection.kill();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.kill();
    await stopped;
    this.options.onClose?.();
  }
}

export async function openProxyListener(upstream: ProxyUpstream, options: ProxyListenerOptions): Promise<ProxyListener> {
  return new ProxyListener(upstream, options).listen();
}
