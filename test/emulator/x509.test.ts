// The emulator's own X.509 encoder and local CA, checked by Node's parser (OpenSSL) and by real TLS handshakes.
import { createPrivateKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { connect, createSecureContext, TLSSocket } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalCa } from "../../src/emulator/tls/ca.js";
import { certificatePem, createCertificate } from "../../src/emulator/tls/x509.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A TLS server on 127.0.0.1 with the given identity; resolves to its port. */
async function tlsServer(server: { key: string; cert: string }): Promise<number> {
  const listener = createServer((raw) => {
    const socket = new TLSSocket(raw, { isServer: true, secureContext: createSecureContext(server) });
    socket.on("error", () => {});
    socket.on("secure", () => socket.end());
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => listener.close());
  return (listener.address() as AddressInfo).port;
}

/** Connects with `ca` trusted; resolves to null when authorized, else to "code: message". */
async function handshake(port: number, ca: string, host: string): Promise<string | null> {
  const socket = connect({ host: "127.0.0.1", port, ca, ...(host === "127.0.0.1" ? {} : { servername: host }), rejectUnauthorized: true });
  try {
    return await new Promise<string | null>((resolve) => {
      socket.once("secureConnect", () => resolve(null));
      socket.once("error", (error: Error & { code?: string }) => resolve(`${error.code}: ${error.message}`));
    });
  } finally {
    socket.destroy();
  }
}

describe("createLocalCa", () => {
  const ca = createLocalCa({ now: new Date("2030-01-01T00:00:00Z"), validityDays: 10 });
  const caCert = new X509Certificate(ca.certificate);
  const leaf = new X509Certificate(ca.server.cert);

  it("makes a self-signed, name-constrained P-256 CA", () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe(caCert.issuer);
    expect(caCert.subject).toMatch(/^CN=lakebase-sdk emulator CA [0-9a-f]{8}$/);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(caCert.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: "prime256v1" });
    expect(caCert.validFrom).toBe("Dec 31 23:00:00 2029 GMT"); // an hour of clock skew
    expect(caCert.validTo).toBe("Jan 11 00:00:00 2030 GMT");
    expect(caCert.toLegacyObject().ext_key_usage).toBeUndefined();
  });

  it("signs a server certificate for 127.0.0.1, localhost and endpoint names (*.database.localhost), and nothing else", () => {
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.issuer).toBe(caCert.subject);
    expect(leaf.subject).toBe("CN=localhost");
    expect(leaf.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(leaf.checkHost("localhost")).toBe("localhost");
    expect(leaf.checkHost("example.com")).toBeUndefined();
    expect(leaf.checkIP("10.0.0.1")).toBeUndefined();
    expect(leaf.subjectAltName).toBe("DNS:localhost, DNS:*.database.localhost, IP Address:127.0.0.1"); // endpoint host names: host-names.test.ts
    expect(leaf.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]); // Node reports extKeyUsage here: serverAuth
    expect(leaf.serialNumber).not.toBe(caCert.serialNumber);
    expect(leaf.checkPrivateKey(createPrivateKey(ca.server.key))).toBe(true);
  });

  it("differs at every start (fresh keys, fresh CA name)", () => {
    const other = createLocalCa();
    expect(other.certificate).not.toBe(ca.certificate);
    expect(new X509Certificate(other.certificate).subject).not.toBe(caCert.subject);
    expect(new X509Certificate(ca.server.cert).verify(new X509Certificate(other.certificate).publicKey)).toBe(false);
  });

  it("passes a real TLS handshake by IP and by name, and fails for a client trusting another CA", async () => {
    const current = createLocalCa();
    const port = await tlsServer(current.server);
    expect(await handshake(port, current.certificate, "127.0.0.1")).toBeNull();
    expect(await handshake(port, current.certificate, "localhost")).toBeNull();
    expect(await handshake(port, createLocalCa().certificate, "127.0.0.1")).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY):/);
    expect(await handshake(port, current.certificate, "example.com")).toMatch(/^ERR_TLS_CERT_ALTNAME_INVALID:/);
  });
});

describe("createCertificate", () => {
  const caKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const leafKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3_600_000) };

  it("uses GeneralizedTime from 2050 on, and keeps a given serial number", () => {
    const der = createCertificate({
      issuer: "t",
      subject: "t",
      publicKey: caKeys.publicKey,
      signingKey: caKeys.privateKey,
      notBefore: new Date("2049-12-31T23:59:59Z"),
      notAfter: new Date("2051-06-01T12:00:00Z"),
      serialNumber: Buffer.from([0x80, 0x01]),
      ca: {},
    });
    const cert = new X509Certificate(der);
    expect(cert.validFrom).toBe("Dec 31 23:59:59 2049 GMT");
    expect(cert.validTo).toBe("Jun  1 12:00:00 2051 GMT");
    expect(cert.serialNumber).toBe("8001"); // encoded with a 0x00 prefix: still positive
    expect(certificatePem(der)).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)+[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
  });

  it("refuses a non-EC signing key and an IPv6 name", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
    expect(() => createCertificate({ issuer: "t", subject: "t", publicKey: rsa.publicKey, signingKey: rsa.privateKey, ...validity })).toThrow(/EC key/);
    expect(() =>
      createCertificate({ issuer: "t", subject: "t", publicKey: caKeys.publicKey, signingKey: caKeys.privateKey, ...validity, serverNames: { ips: ["::1"] } }),
    ).toThrow(/IPv4/);
  });

  it("the CA's name constraints hold in a handshake: a leaf it signs for another host is refused even by name", async () => {
    const ca = createCertificate({
      issuer: "constrained",
      subject: "constrained",
      publicKey: caKeys.publicKey,
      signingKey: caKeys.privateKey,
      ...validity,
      ca: { pathLength: 0, permitted: { dns: ["localhost"], ips: ["127.0.0.0/8"] } },
    });
    const rogue = createCertificate({
      issuer: "constrained",
      subject: "evil.example",
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      ...validity,
      serverNames: { dns: ["evil.example"], ips: ["127.0.0.1"] },
    });
    const port = await tlsServer({ key: leafKeys.privateKey.export({ type: "pkcs8", format: "pem" }) as string, cert: certificatePem(rogue) });
    expect(await handshake(port, certificatePem(ca), "127.0.0.1")).toMatch(/permitted subtree violation/); // Node reports it as code UNSPECIFIED
  });
});
