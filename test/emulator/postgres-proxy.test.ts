// The token-checking proxy at the byte level, against a fake upstream server (no engine needed).
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  MessageBoundaryTracker,
  encodeStartup,
  errorResponse,
  parseStartupPacket,
  typedMessage,
} from "../../src/emulator/postgres/protocol.js";
import { openProxyListener, type ProxyListener, type ProxyUpstream } from "../../src/emulator/postgres/proxy.js";

const GOOD = "tok-good";

function startup(params: Record<string, string>, version = 196608): Buffer {
  return encodeStartup(version, new Map(Object.entries(params)));
}

function passwordMessage(password: string): Buffer {
  const body = Buffer.from(`${password}\0`);
  const header = Buffer.alloc(5);
  header.write("p", 0, "latin1");
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

function queryMessage(sql: string): Buffer {
  const body = Buffer.from(`${sql}\0`);
  const header = Buffer.alloc(5);
  header.write("Q", 0, "latin1");
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

function fields(error: { body: Buffer }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of error.body.toString("utf8").split("\0")) if (part) out[part[0]!] = part.slice(1);
  return out;
}

/** A raw protocol client: sends bytes, awaits typed messages (or the single-byte SSL answer). */
class RawClient {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  closed: Promise<void>;
  readonly socket: Socket;

  constructor(port: number) {
    this.socket = createConnection(port, "127.0.0.1");
    this.socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    this.socket.on("error", () => {});
    this.closed = new Promise((resolve) => this.socket.on("close", () => (resolve(), this.wake?.())));
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  async bytes(n: number): Promise<Buffer> {
    while (this.buffer.length < n) {
      if (this.socket.destroyed) throw new Error("closed");
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const head = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return head;
  }

  async message(): Promise<{ type: string; body: Buffer }> {
    for (;;) {
      const message = typedMessage(this.buffer);
      if (message) {
        this.buffer = this.buffer.subarray(message.size);
        return message;
      }
      if (this.socket.destroyed) throw new Error("closed before a message arrived");
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Everything until the server closes. */
  async rest(): Promise<Buffer> {
    await this.closed;
    return this.buffer;
  }
}

/** A fake server: records what it receives and answers the startup with AuthenticationOk + ReadyForQuery. */
class FakeUpstream {
  readonly received: Buffer[] = [];
  readonly sockets: Socket[] = [];
  server!: Server;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((socket) => {
      this.sockets.push(socket);
      let first = true;
      socket.on("error", () => {});
      socket.on("data", (chunk: Buffer) => {
        this.received.push(chunk);
        if (first) {
          first = false;
          const auth = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]);
          const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
          socket.write(Buffer.concat([auth, ready]));
        }
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  all(): Buffer {
    return Buffer.concat(this.received);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(overrides: Partial<ProxyUpstream> = {}, authenticate?: (u: string, p: string, d: string) => boolean | Promise<boolean>) {
  const upstream = await new FakeUpstream().start();
  cleanups.push(() => upstream.stop());
  const calls: string[][] = [];
  const listener: ProxyListener = await openProxyListener(
    {
      mapDatabase: (database) => (database === "databricks_postgres" || database === "appdb" ? `internal_${database}` : undefined),
      connect: () => createConnection(upstream.port, "127.0.0.1"),
      ...overrides,
    },
    {
      authenticate: authenticate ?? ((user, password, database) => (calls.push([user, password, database]), password === GOOD)),
      wakeUpMs: 100,
    },
  );
  cleanups.push(() => listener.close());
  return { upstream, listener, calls };
}

describe("protocol helpers", () => {
  it("round-trips a StartupMessage and recognises the special requests", () => {
    const packet = startup({ user: "alice", database: "db", application_name: "x" });
    const parsed = parseStartupPacket(packet);
    expect(parsed).toEqual({ kind: "startup", version: 196608, params: new Map([["user", "alice"], ["database", "db"], ["application_name", "x"]]) });
    expect(parseStartupPacket(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]))).toEqual({ kind: "ssl" });
    expect(parseStartupPacket(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30]))).toEqual({ kind: "gssenc" });
    const cancel = Buffer.from([0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(parseStartupPacket(cancel).kind).toBe("cancel");
    expect(parseStartupPacket(startup({ user: "a" }, 0x00020000))).toEqual({ kind: "unsupported", version: 0x00020000 });
    expect(parseStartupPacket(Buffer.concat([startup({ user: "a" }).subarray(0, -1), Buffer.from("x")])).kind).toBe("invalid");
  });

  it("follows message boundaries across arbitrary chunking", () => {
    const stream = Buffer.concat([errorResponse("ERROR", "42000", "one"), Buffer.from([0x5a, 0, 0, 0, 5, 0x49]), errorResponse("FATAL", "57P01", "two")]);
    for (let cut = 1; cut < stream.length; cut++) {
      const tracker = new MessageBoundaryTracker();
      tracker.push(stream.subarray(0, cut));
      const boundaries = [0, errorResponse("ERROR", "42000", "one").length, errorResponse("ERROR", "42000", "one").length + 6];
      expect(tracker.atBoundary).toBe(boundaries.includes(cut));
      tracker.push(stream.subarray(cut));
      expect(tracker.atBoundary).toBe(true);
    }
  });
});

describe("token-checking proxy", () => {
  it("answers SSL with N, checks the token, keeps the user, rewrites the database, forwards pipelined bytes", async () => {
    const { upstream, listener, calls } = await setup();
    const client = new RawClient(listener.port);
    client.send(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
    expect((await client.bytes(1)).toString()).toBe("N");
    client.send(startup({ user: "alice@example.com", database: "appdb", application_name: "demo" }));
    const request = await client.message();
    expect(request.type).toBe("R");
    expect(request.body.readInt32BE(0)).toBe(3); // cleartext password
    client.send(Buffer.concat([passwordMessage(GOOD), queryMessage("SELECT 1")]));
    const ok = await client.message();
    expect([ok.type, ok.body.readInt32BE(0)]).toEqual(["R", 0]);
    expect((await client.message()).type).toBe("Z");
    expect(calls).toEqual([["alice@example.com", GOOD, "appdb"]]);

    await expect.poll(() => upstream.all().length).toBeGreaterThan(0);
    const sent = upstream.all();
    const length = sent.readInt32BE(0);
    const forwarded = parseStartupPacket(sent.subarray(0, length));
    expect(forwarded).toEqual({
      kind: "startup",
      version: 196608,
      // The session runs as the identity's own role: the user goes upstream unchanged.
      params: new Map([["user", "alice@example.com"], ["database", "internal_appdb"], ["application_name", "demo"]]),
    });
    await expect.poll(() => upstream.all().subarray(length).equals(queryMessage("SELECT 1"))).toBe(true);
    client.socket.destroy();
  });

  it("defaults the database to the user name, as the server does", async () => {
    const { listener, calls } = await setup();
    const client = new RawClient(listener.port);
    client.send(startup({ user: "appdb" }));
    await client.message();
    client.send(passwordMessage(GOOD));
    expect((await client.message()).type).toBe("R");
    expect(calls[0]).toEqual(["appdb", GOOD, "appdb"]);
    client.socket.destroy();
  });

  it.each([
    ["wrong token", "nope", "28P01", 'password authentication failed for user "alice"'],
    ["empty password", "", "28P01", 'password authentication failed for user "alice"'],
  ])("%s → FATAL %s", async (_label, password, code, message) => {
    const { listener } = await setup();
    const client = new RawClient(listener.port);
    client.send(startup({ user: "alice", database: "databricks_postgres" }));
    await client.message();
    client.send(passwordMessage(password));
    const error = await client.message();
    expect(error.type).toBe("E");
    expect(fields(error)).toMatchObject({ S: "FATAL", V: "FATAL", C: code, M: message });
    await client.closed;
  });

  it("checks the token before the database (3D000 only for admitted clients)", async () => {
    const { listener, calls } = await setup();
    const client = new RawClient(listener.port);
    client.send(startup({ user: "alice", database: "nosuchdb" }));
    await client.message();
    client.send(passwordMessage("nope"));
    expect(fields(await client.message()).C).toBe("28P01");

    const admitted = new RawClient(listener.port);
    admitted.send(startup({ user: "alice", database: "nosuchdb" }));
    await admitted.message();
    admitted.send(passwordMessage(GOOD));
    expect(fields(await admitted.message())).toMatchObject({ C: "3D000", M: 'database "nosuchdb" does not exist' });
    expect(calls.length).toBe(2);
  });

  it("checkRole: the token first, then the role (28000), then the database, as the server orders them", async () => {
    const asked: string[] = [];
    const { listener } = await setup({
      checkRole: async (role) => (asked.push(role), role === "ghost" ? { code: "28000", message: `role "${role}" does not exist` } : undefined),
    });
    const login = async (user: string, database: string, password: string) => {
      const client = new RawClient(listener.port);
      client.send(startup({ user, database }));
      await client.message();
      client.send(passwordMessage(password));
      const reply = await client.message();
      client.socket.destroy();
      return reply.type === "E" ? fields(reply) : { type: reply.type };
    };
    expect(await login("ghost", "nosuchdb", "nope")).toMatchObject({ C: "28P01", M: 'password authentication failed for user "ghost"' });
    expect(asked).toEqual([]); // a refused token never reaches the role check
    expect(await login("ghost", "nosuchdb", GOOD)).toMatchObject({ S: "FATAL", C: "28000", M: 'role "ghost" does not exist' });
    expect(await login("alice", "nosuchdb", GOOD)).toMatchObject({ C: "3D000" });
    expect(await login("alice", "databricks_postgres", GOOD)).toEqual({ type: "R" });
    expect(asked).toEqual(["ghost", "alice", "alice"]);
  });

  it("treats a throwing authenticate() as a failed login and awaits async ones", async () => {
    const throwing = await setup({}, () => {
      throw new Error("store down");
    });
    const a = new RawClient(throwing.listener.port);
    a.send(startup({ user: "u", database: "databricks_postgres" }));
    await a.message();
    a.send(passwordMessage(GOOD));
    expect(fields(await a.message()).C).toBe("28P01");

    const slow = await setup({}, async (_u, p) => (await new Promise((r) => setTimeout(r, 20)), p === GOOD));
    const b = new RawClient(slow.listener.port);
    b.send(startup({ user: "u", database: "databricks_postgres" }));
    await b.message();
    b.send(passwordMessage(GOOD));
    expect((await b.message()).type).toBe("R");
    b.socket.destroy();
  });

  it.each([
    ["protocol 2.0", startup({ user: "u" }, 0x00020000), "0A000"],
    ["no user", startup({ database: "databricks_postgres" }), "28000"],
    ["absurd length", Buffer.from([0x7f, 0, 0, 0, 0, 3, 0, 0]), "08P01"],
  ])("rejects %s with %s", async (_label, packet, code) => {
    const { listener } = await setup();
    const client = new RawClient(listener.port);
    client.send(packet);
    expect(fields(await client.message()).C).toBe(code);
    await client.closed;
  });

  it("rejects a non-password reply to the password request", async () => {
    const { listener } = await setup();
    const client = new RawClient(listener.port);
    client.send(startup({ user: "u", database: "databricks_postgres" }));
    await client.message();
    client.send(queryMessage("SELECT 1"));
    expect(fields(await client.message()).C).toBe("08P01");
  });

  it("forwards CancelRequest untouched", async () => {
    const { upstream, listener } = await setup();
    const cancel = Buffer.from([0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 42, 0, 0, 0, 7]);
    const client = new RawClient(listener.port);
    client.send(cancel);
    await client.closed;
    await expect.poll(() => upstream.all().equals(cancel)).toBe(true);
  });

  it("refuses with 53300 when admission control says no, and releases slots on close", async () => {
    let active = 0;
    const { listener } = await setup({
      acquire: () => (active < 1 ? (active++, true) : false),
      release: () => void active--,
    });
    const first = new RawClient(listener.port);
    first.send(startup({ user: "u", database: "databricks_postgres" }));
    await first.message();
    first.send(passwordMessage(GOOD));
    expect((await first.message()).type).toBe("R");

    const second = new RawClient(listener.port);
    second.send(startup({ user: "u", database: "databricks_postgres" }));
    await second.message();
    second.send(passwordMessage(GOOD));
    expect(fields(await second.message())).toMatchObject({ C: "53300", M: "sorry, too many clients already" });

    first.socket.destroy();
    await expect.poll(() => active).toBe(0);
  });

  it("answers 08006 when the upstream is unreachable", async () => {
    const { listener } = await setup({ connect: () => createConnection(1, "127.0.0.1") });
    const client = new RawClient(listener.port);
    client.send(startup({ user: "u", database: "databricks_postgres" }));
    await client.message();
    client.send(passwordMessage(GOOD));
    expect(fields(await client.message()).C).toBe("08006");
  });

  it("suspend(): a bridged idle client gets FATAL 57P01; attempts get 57P03 before any password request, then are served", async () => {
    const { listener } = await setup();
    const client = new RawClient(listener.port);
    client.send(startup({ user: "u", database: "databricks_postgres" }));
    await client.message();
    client.send(passwordMessage(GOOD));
    await client.message();
    await client.message(); // ReadyForQuery: idle, between messages

    listener.suspend();
    expect(fields(await client.message())).toMatchObject({ S: "FATAL", C: "57P01" });
    await client.closed;

    const waking = new RawClient(listener.port);
    waking.send(startup({ user: "u", database: "databricks_postgres" }));
    expect(fields(await waking.message())).toMatchObject({ C: "57P03", M: "the database system is starting up" });
    expect(listener.suspended).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(listener.suspended).toBe(false);

    const served = new RawClient(listener.port);
    served.send(startup({ user: "u", database: "databricks_postgres" }));
    expect((await served.message()).body.readInt32BE(0)).toBe(3);
    served.socket.destroy();
  });

  it("close() stops listening and drops every client", async () => {
    const { listener } = await setup();
    const client = new RawClient(listener.port);
    client.send(startup({ user: "u", database: "databricks_postgres" }));
    await client.message();
    await listener.close();
    await client.closed;
    const refused = await new Promise<boolean>((resolve) => {
      const socket = createConnection(listener.port, "127.0.0.1");
      socket.on("error", () => resolve(true));
      socket.on("connect", () => (socket.destroy(), resolve(false)));
    });
    expect(refused).toBe(true);
  });
});
