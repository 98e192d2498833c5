/**
 * Emulator endpoints speak TLS like real Lakebase endpoints: a CA made at start signs their
 * certificate, and `lakebase-sdk/postgres` verifies it exactly as in production once it is given
 * the CA. (`pg_stat_ssl` cannot tell: the proxy's upstream is a unix socket, so TLS is asserted on
 * the client's side of the connection.)
 */
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { connect as tlsConnect, TLSSocket } from "node:tls";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, type LakebaseClient } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { encodeStartup, typedMessage } from "../../src/emulator/postgres/protocol.js";
import { openProxyListener, type ProxyListener } from "../../src/emulator/postgres/proxy.js";
import { createLocalCa } from "../../src/emulator/tls/ca.js";
import { createPool, getPgConfig } from "../../src/postgres/index.js";

const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
const GSSENC_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30]);
const EP = "projects/tls/branches/production/endpoints/primary";

/** The TLS socket under a connected pg.Client (pg keeps its stream on `connection.stream`). */
function streamOf(client: pg.Client | pg.PoolClient): Socket {
  return (client as unknown as { connection: { stream: Socket } }).connection.stream;
}

function errorFields(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of body.toString("utf8").split("\0")) if (part) out[part[0]!] = part.slice(1);
  return out;
}

/** Reads from a socket until `parse` recognises something, or the socket closes. */
function reader(socket: Socket) {
  let buffer = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  let closed = false;
  socket.on("data", (chunk: Buffer) => ((buffer = Buffer.concat([buffer, chunk])), wake?.()));
  socket.on("close", () => ((closed = true), wake?.()));
  socket.on("error", () => {});
  return async <T>(parse: (b: Buffer) => T | undefined): Promise<T | undefined> => {
    for (;;) {
      const result = parse(buffer);
      if (result !== undefined) return result;
      if (closed) return undefined;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
}

async function rawConnect(port: number): Promise<Socket> {
  const socket = createConnection(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return socket;
}

describe("the token-checking proxy with a TLS identity (fake upstream)", () => {
  const ca = createLocalCa();
  let upstream: Server;
  let upstreamPort = 0;
  let listener: ProxyListener;
  const received: Buffer[] = [];
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    upstream = createServer((socket) => {
      socket.on("error", () => {});
      socket.on("data", (chunk: Buffer) => {
        received.push(chunk);
        // AuthenticationOk + ReadyForQuery, once, for the startup message
        if (received.length === 1) socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49]));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    upstreamPort = (upstream.address() as AddressInfo).port;
    listener = await openProxyListener(
      { mapDatabase: (d) => d, connect: () => createConnection(upstreamPort, "127.0.0.1") },
      { authenticate: (_user, password) => password === "good", tls: ca.server },
    );
  });
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    received.length = 0;
  });
  afterAll(async () => {
    await listener.close();
    upstream.close();
  });

  it("answers S, runs the handshake, then the startup phase inside TLS; the connection is tracked until it closes", async () => {
    const raw = await rawConnect(listener.port);
    cleanups.push(() => raw.destroy());
    const answer = reader(raw);
    raw.write(SSL_REQUEST);
    expect(await answer((b) => (b.length >= 1 ? b.toString("latin1", 0, 1) : undefined))).toBe("S");
    raw.removeAllListeners("data");
    const secure = tlsConnect({ socket: raw, ca: ca.certificate, host: "127.0.0.1" });
    await new Promise<void>((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
    expect(secure.authorized).toBe(true);
    expect(secure.alpnProtocol).toBe(false); // none offered, none forced
    const read = reader(secure);
    secure.write(encodeStartup(196608, new Map([["user", "alice"], ["database", "db"]])));
    expect((await read(typedMessage))?.type).toBe("R");
    expect(listener.idleSince).toBeUndefined();
    secure.destroy();
    await expect.poll(() => listener.idleSince).toBeTypeOf("number");
  });

  it("offers ALPN postgresql (libpq 17 sends it)", async () => {
    const raw = await rawConnect(listener.port);
    cleanups.push(() => raw.destroy());
    raw.write(SSL_REQUEST);
    await new Promise((resolve) => raw.once("data", resolve));
    const secure = tlsConnect({ socket: raw, ca: ca.certificate, host: "127.0.0.1", ALPNProtocols: ["postgresql"] });
    await new Promise<void>((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
    expect(secure.alpnProtocol).toBe("postgresql");
    secure.destroy();
  });

  it("refuses bytes sent in clear after the SSLRequest, as the server does (CVE-2021-23214)", async () => {
    const raw = await rawConnect(listener.port);
    cleanups.push(() => raw.destroy());
    const read = reader(raw);
    raw.write(Buffer.concat([SSL_REQUEST, encodeStartup(196608, new Map([["user", "alice"]]))]));
    const error = await read(typedMessage);
    expect(error?.type).toBe("E");
    expect(errorFields(error!.body)).toMatchObject({ S: "FATAL", C: "08P01", M: "received unencrypted data after SSL request" });
  });

  it("refuses a second SSLRequest inside TLS, and GSSENC after TLS", async () => {
    for (const second of [SSL_REQUEST, GSSENC_REQUEST]) {
      const raw = await rawConnect(listener.port);
      cleanups.push(() => raw.destroy());
      raw.write(SSL_REQUEST);
      await new Promise((resolve) => raw.once("data", resolve));
      const secure = tlsConnect({ socket: raw, ca: ca.certificate, host: "127.0.0.1" });
      await new Promise<void>((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
      const read = reader(secure);
      secure.write(second);
      const error = await read(typedMessage);
      expect(errorFields(error!.body)).toMatchObject({ C: "0A000", M: expect.stringMatching(/^unsupported frontend protocol 1234\.56(79|80): server supports 3\.0 to 3\.0$/) });
    }
  });

  it("GSSENCRequest still gets N, and SSL may follow it", async () => {
    const raw = await rawConnect(listener.port);
    cleanups.push(() => raw.destroy());
    const read = reader(raw);
    raw.write(GSSENC_REQUEST);
    expect(await read((b) => (b.length >= 1 ? b.toString("latin1", 0, 1) : undefined))).toBe("N");
    raw.write(SSL_REQUEST);
    expect(await read((b) => (b.length >= 2 ? b.toString("latin1", 1, 2) : undefined))).toBe("S");
  });

  it("a cancel request inside TLS is forwarded too", async () => {
    const raw = await rawConnect(listener.port);
    cleanups.push(() => raw.destroy());
    raw.write(SSL_REQUEST);
    await new Promise((resolve) => raw.once("data", resolve));
    const secure = tlsConnect({ socket: raw, ca: ca.certificate, host: "127.0.0.1" });
    await new Promise<void>((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
    const cancel = Buffer.from([0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 42, 0, 0, 0, 7]);
    secure.write(cancel);
    await expect.poll(() => Buffer.concat(received).equals(cancel)).toBe(true);
  });
});

/** One connection of `pool` is on verified TLS and answers `select n`; the pool is ended either way. */
async function expectVerifiedQuery(pool: Awaited<ReturnType<typeof createPool>>, n: number): Promise<void> {
  try {
    const connection = await pool.connect();
    try {
      expect((streamOf(connection) as TLSSocket).authorized).toBe(true);
      expect((await connection.query(`select ${n} as n`)).rows).toEqual([{ n }]);
    } finally {
      connection.release();
    }
  } finally {
    await pool.end();
  }
}

describe("emulator endpoints over TLS", () => {
  let emulator: Emulator;
  let client: LakebaseClient;
  let host = "";
  let port = 0;

  beforeAll(async () => {
    emulator = await startEmulator({ operationLatencyMs: 20, wakeUpMs: 200, engine: (process.env.LAKEBASE_EMULATOR_ENGINE as "auto") ?? "auto" });
    client = createLakebaseClient({ host: emulator.host, auth: emulator.token });
    await client.projects.create("tls", { spec: {} }).wait({ pollIntervalMs: 20 });
    const endpoint = await client.endpoints.get(EP);
    const [h, p] = endpoint.status!.hosts!.host!.split(":");
    host = h!;
    port = Number(p);
  }, 60_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  const password = async () => (await client.credentials.generate({ endpoint: EP, ttl: "600s" })).token!;
  const pgClient = async (ssl: pg.ClientConfig["ssl"], overrides: Partial<pg.ClientConfig> = {}) =>
    new pg.Client({ host, port, user: emulator.userName, password: await password(), database: "databricks_postgres", ssl, ...overrides });

  it("exposes its CA as PEM and as a file in its temp directory", () => {
    const ca = new X509Certificate(emulator.caCertificate);
    expect(ca.ca).toBe(true);
    expect(readFileSync(emulator.caCertificatePath, "utf8")).toBe(emulator.caCertificate);
    expect(JSON.stringify(emulator)).not.toContain("BEGIN");
  });

  it("pg with ssl { ca, rejectUnauthorized: true } connects over verified TLS to the emulator's certificate", async () => {
    const c = await pgClient({ rejectUnauthorized: true, ca: emulator.caCertificate });
    await c.connect();
    try {
      const stream = streamOf(c);
      expect(stream).toBeInstanceOf(TLSSocket);
      const secure = stream as TLSSocket;
      expect(secure.authorized).toBe(true);
      const peer = secure.getPeerCertificate(true);
      const ca = new X509Certificate(emulator.caCertificate);
      expect(`CN=${peer.issuer.CN}`).toBe(ca.subject);
      expect(peer.issuerCertificate.fingerprint256).toBe(ca.fingerprint256);
      expect(peer.subjectaltname).toBe("DNS:localhost, DNS:*.database.localhost, IP Address:127.0.0.1");
      expect((await c.query("select current_database() as db")).rows).toEqual([{ db: "databricks_postgres" }]);
    } finally {
      await c.end();
    }
  });

  it("by the name localhost as well (SNI and the DNS name in the certificate)", async () => {
    const c = await pgClient({ rejectUnauthorized: true, ca: emulator.caCertificate }, { host: "localhost" });
    await c.connect();
    try {
      expect((streamOf(c) as TLSSocket).authorized).toBe(true);
      expect((await c.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await c.end();
    }
  });

  it("a client trusting another CA, or only the system store, is refused with a certificate error", async () => {
    for (const ssl of [{ rejectUnauthorized: true, ca: createLocalCa().certificate }, { rejectUnauthorized: true }]) {
      const c = await pgClient(ssl);
      const error = (await c.connect().catch((e: unknown) => e)) as Error & { code?: string };
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)$/);
      await c.end().catch(() => {});
    }
  });

  it("plaintext (ssl: false, sslmode=disable) is still accepted", async () => {
    const c = await pgClient(false);
    await c.connect();
    try {
      expect(streamOf(c)).not.toBeInstanceOf(TLSSocket);
      expect((await c.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await c.end();
    }
  });

  it("cancelling a query of a TLS connection works (system engine; PGlite ignores cancels)", async (context) => {
    if (emulator.engine !== "system") return context.skip();
    const c = await pgClient({ rejectUnauthorized: true, ca: emulator.caCertificate });
    await c.connect();
    try {
      const { processID, secretKey } = c as unknown as { processID: number; secretKey: number };
      const sleeping = c.query("select pg_sleep(20)").catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const cancel = Buffer.alloc(16);
      cancel.writeInt32BE(16, 0);
      cancel.writeInt32BE(80877102, 4);
      cancel.writeInt32BE(processID, 8);
      cancel.writeInt32BE(secretKey, 12);
      const raw = await rawConnect(port); // pg and libpq < 17 send cancels in clear
      raw.end(cancel);
      expect(await sleeping).toMatchObject({ code: "57014" });
    } finally {
      await c.end();
    }
  });

  it("a suspend ends a TLS connection with FATAL 57P01, and dropConnections resets one", async () => {
    const c = await pgClient({ rejectUnauthorized: true, ca: emulator.caCertificate });
    c.on("error", () => {});
    await c.connect();
    const ended = new Promise<Error & { code?: string }>((resolve) => c.once("error", resolve));
    emulator.suspendEndpoint(EP);
    expect(await ended).toMatchObject({ code: "57P01" });
    await c.end().catch(() => {});

    // waking up: retry until the endpoint serves again
    let d: pg.Client | undefined;
    for (let attempt = 0; !d && attempt < 50; attempt++) {
      const candidate = await pgClient({ rejectUnauthorized: true, ca: emulator.caCertificate });
      candidate.on("error", () => {});
      if (await candidate.connect().then(() => true, () => false)) d = candidate;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(d).toBeDefined();
    const reset = new Promise<Error & { code?: string }>((resolve) => d!.once("error", resolve));
    emulator.dropConnections(EP);
    expect((await reset).code).toBe("ECONNRESET");
    await d!.end().catch(() => {});
  });

  it("createPool with the emulator's CA: verified TLS end to end", async () => {
    const pool = await createPool({ client, endpoint: EP, env: {}, ssl: { rejectUnauthorized: true, ca: emulator.caCertificate } });
    expect(pool.lakebase.ssl).toEqual({ rejectUnauthorized: true, ca: emulator.caCertificate });
    await expectVerifiedQuery(pool, 2);
  });

  it("getPgConfig: an explicit CA is used as given, and no PGSSLMODE from the environment turns it off", async () => {
    const ssl = { rejectUnauthorized: true, ca: emulator.caCertificate } as const;
    for (const PGSSLMODE of [undefined, "disable", "prefer", "require"]) {
      const config = await getPgConfig({ client, endpoint: EP, user: "u", env: { PGSSLMODE }, ssl });
      expect(config.ssl).toEqual(ssl);
    }
  });

  it("createPool without a CA keeps TLS off on loopback (no CA known)", async () => {
    const pool = await createPool({ client, endpoint: EP, env: {} });
    try {
      expect(pool.lakebase.ssl).toBe(false);
      expect((await pool.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it.skipIf(!existsSync("/usr/bin/psql"))("libpq (psql) connects with sslmode=verify-full sslrootcert=<caCertificatePath>", async () => {
    const { stdout } = await promisify(execFile)(
      "psql",
      [`host=${host} port=${port} dbname=databricks_postgres user=${emulator.userName} sslmode=verify-full sslrootcert=${emulator.caCertificatePath}`, "-XAtc", "select 'over tls'"],
      { env: { ...process.env, PGPASSWORD: await password(), PGSSLMODE: undefined, PGSSLROOTCERT: undefined } },
    );
    expect(stdout.trim()).toBe("over tls");
  });
});

describe("PGlite engine", () => {
  it("createPool with the emulator's CA works end to end, and stop() deletes the CA file", async () => {
    const emulator = await startEmulator({ engine: "pglite", operationLatencyMs: 10 });
    try {
      const client = createLakebaseClient({ host: emulator.host, auth: emulator.token });
      await client.projects.create("tls", { spec: {} }).wait({ pollIntervalMs: 20 });
      await expectVerifiedQuery(await createPool({ client, endpoint: EP, env: {}, ssl: { rejectUnauthorized: true, ca: emulator.caCertificate } }), 3);
    } finally {
      await emulator.stop();
    }
    expect(existsSync(emulator.caCertificatePath)).toBe(false);
  }, 60_000);
});
