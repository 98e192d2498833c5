// Issue 11: endpoint host names like the service's (`ep-<uid>.database.localhost:<port>` for
// `ep-….database.<region>.cloud.databricks.com`) where the machine resolves them, else 127.0.0.1,
// and a TLS certificate valid for whichever is served.
//
// Name mode is tested with a resolver stub, not with this machine's resolver: here (glibc, `hosts:
// files dns`) `*.localhost` does not resolve, so `auto` serves IPs — the test of `auto` asserts
// whatever the real probe answers. To reach a name that does not resolve, pg gets a socket that
// dials 127.0.0.1 whatever host it is given: pg still sends that name as SNI and checks the
// certificate against it (Node's checkServerIdentity), exactly as when the name resolves.
import { Socket } from "node:net";
import { checkServerIdentity } from "node:tls";
import { X509Certificate } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, type LakebaseClient } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { chooseHostNames, endpointHostName, zoneResolvesToLoopback, type HostLookup } from "../../src/emulator/host-names.js";
import { createLocalCa } from "../../src/emulator/tls/ca.js";
import { detectSystemPostgres } from "../../src/emulator/postgres/system.js";

const engine = "error" in (await detectSystemPostgres()) ? "pglite" : "system";
const FAST = { pollIntervalMs: 20 };
const EP = "projects/names/branches/production/endpoints/primary";
const loopback: HostLookup = async () => [{ address: "127.0.0.1", family: 4 }];

/** A socket that connects to 127.0.0.1 whatever host pg asks for (the resolver stub, on pg's side). */
class LoopbackSocket extends Socket {
  override connect(...args: unknown[]): this {
    const [port] = args as [number];
    return super.connect(port, "127.0.0.1");
  }
}

async function verifiedQuery(emulator: Emulator, client: LakebaseClient, host: string, port: number, viaLoopback: boolean): Promise<unknown> {
  const password = (await client.credentials.generate({ endpoint: EP, ttl: "600s" })).token!;
  const c = new pg.Client({
    host,
    port,
    user: emulator.userName,
    password,
    database: "databricks_postgres",
    ssl: { rejectUnauthorized: true, ca: emulator.caCertificate },
    ...(viaLoopback ? { stream: () => new LoopbackSocket() } : {}),
  });
  c.on("error", () => {});
  try {
    await c.connect();
    return (await c.query("select 1 as ok")).rows[0];
  } finally {
    await c.end().catch(() => {});
  }
}

describe("the probe", () => {
  it("names only when every address is loopback and one is IPv4 127.x", async () => {
    expect(await zoneResolvesToLoopback(loopback)).toBe(true);
    expect(await zoneResolvesToLoopback(async () => [{ address: "::1", family: 6 }, { address: "127.0.0.1", family: 4 }])).toBe(true);
    expect(await zoneResolvesToLoopback(async () => [{ address: "::1", family: 6 }])).toBe(false); // listeners are IPv4 only
    expect(await zoneResolvesToLoopback(async () => [{ address: "127.0.0.1", family: 4 }, { address: "10.1.2.3", family: 4 }])).toBe(false);
    expect(await zoneResolvesToLoopback(async () => Promise.reject(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" })))).toBe(false);
    expect(await zoneResolvesToLoopback(async () => [])).toBe(false);
  });

  it("asks for a random name of the zone; a forced mode does not probe", async () => {
    const asked: string[] = [];
    await chooseHostNames("auto", async (name) => (asked.push(name), []));
    expect(asked).toEqual([expect.stringMatching(/^ep-probe-[0-9a-f]{8}\.database\.localhost$/)]);
    expect(await chooseHostNames("ip", loopback)).toBe("ip");
    expect(await chooseHostNames("name", async () => [])).toBe("name");
    expect(endpointHostName("name", "ep-blue-bread-1a2b3c4d")).toBe("ep-blue-bread-1a2b3c4d.database.localhost");
    expect(endpointHostName("ip", "ep-blue-bread-1a2b3c4d")).toBe("127.0.0.1");
  });

  it("auto on this machine: what its own resolver answers (here *.localhost does not resolve: IPs)", async () => {
    expect(await chooseHostNames("auto")).toBe((await zoneResolvesToLoopback()) ? "name" : "ip");
  });
});

describe("the endpoints' certificate", () => {
  const leaf = new X509Certificate(createLocalCa().server.cert);
  const check = (host: string) => checkServerIdentity(host, { subject: { CN: "localhost" }, subjectaltname: leaf.subjectAltName } as never);

  it("covers endpoint names, localhost and 127.0.0.1, and nothing else", () => {
    expect(leaf.subjectAltName).toBe("DNS:localhost, DNS:*.database.localhost, IP Address:127.0.0.1");
    expect(check("ep-blue-bread-1a2b3c4d.database.localhost")).toBeUndefined();
    expect(check("localhost")).toBeUndefined();
    expect(check("127.0.0.1")).toBeUndefined();
    for (const wrong of ["ep-x.other.localhost", "a.b.database.localhost", "database.localhost", "ep-x.database.example.com"]) {
      expect(check(wrong), wrong).toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
    }
  });
});

describe.each([
  ["name", { hostNames: "auto" as const, hostLookup: loopback }],
  ["ip", { hostNames: "ip" as const }],
])("an emulator serving %s hosts", (mode, options) => {
  let emulator: Emulator;
  let client: LakebaseClient;
  let host: string;
  let port: number;

  beforeAll(async () => {
    emulator = await startEmulator({ engine, operationLatencyMs: 20, autoSuspend: false, ...options });
    client = createLakebaseClient({ host: emulator.host, auth: emulator.token, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
    await client.projects.create("names", { spec: { pg_version: emulator.engines[0]!.pgMajor } }).wait(FAST);
    const published = (await client.endpoints.get(EP)).status!.hosts!;
    host = published.host!.slice(0, published.host!.lastIndexOf(":"));
    port = Number(published.host!.slice(published.host!.lastIndexOf(":") + 1));
    expect(published.read_write_pooled_host).toBe(published.host);
  }, 60_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  it("publishes the host of its mode", async () => {
    expect(emulator.hostNames).toBe(mode);
    const endpoint = await client.endpoints.get(EP);
    if (mode === "name") {
      expect(host).toMatch(/^ep-[a-z]+-[a-z]+-[0-9a-f]{8}\.database\.localhost$/);
      expect(host.split(".")[0]).toBe(endpoint.uid);
    } else {
      expect(host).toBe("127.0.0.1");
    }
  });

  it("pg verifies the certificate against the published host (rejectUnauthorized with the emulator's CA)", async () => {
    expect(await verifiedQuery(emulator, client, host, port, mode === "name")).toEqual({ ok: 1 });
  });

  it("and refuses a name the certificate does not cover", async () => {
    await expect(verifiedQuery(emulator, client, "ep-x.elsewhere.localhost", port, true)).rejects.toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });
});
