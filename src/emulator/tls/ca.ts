/**
 * The emulator's local certificate authority: an ECDSA P-256 CA and one server certificate it
 * signs for every name endpoints are reached by (`127.0.0.1`, `localhost`, and
 * `*.database.localhost`, the zone of the endpoint host names — see host-names.ts).
 *
 * - Made fresh at every start, unless the emulator keeps a data directory: then the CA (name, key,
 *   certificate) is kept in its secrets file (mode 0600) and reloaded, so an `sslrootcert` file
 *   given to tools keeps verifying across restarts. The server certificate is signed again at each
 *   start (cheap, and it may name new hosts). Without a data directory the CA's private key never
 *   leaves the process: nothing else can be signed with it, and it dies with the process.
 * - The CA is name-constrained to `localhost` (which covers its subdomains) and `127.0.0.0/8`, so
 *   trusting it can never vouch for another host, even in a client that trusted it more broadly
 *   than one connection.
 * - A wildcard rather than one certificate per endpoint (SNI): one TLS identity serves every
 *   listener, and Node's and libpq's host checks accept `*.database.localhost` (three labels; Node
 *   refuses a wildcard directly under a top-level name such as `*.localhost`).
 */
import { createPrivateKey, generateKeyPairSync, randomUUID, X509Certificate, type KeyObject } from "node:crypto";
import { certificatePem, createCertificate, type Names } from "./x509.js";

/** The zone endpoint host names live in: `ep-….database.localhost`, like the service's `ep-….database.<region>.cloud.databricks.com`. */
export const ENDPOINT_HOST_ZONE = "database.localhost";

/** What a data directory keeps to make the same CA again: its name, PKCS#8 private key and certificate (PEM). */
export interface CaIdentity {
  readonly name: string;
  readonly key: string;
  readonly certificate: string;
}

export interface LocalCa {
  /** PEM of the CA certificate: what clients trust (`ssl.ca` for pg, `sslrootcert` for libpq). */
  readonly certificate: string;
  /** The endpoints' TLS identity, signed by the CA: PEM private key (PKCS#8) and certificate. */
  readonly server: { readonly key: string; readonly cert: string };
  /** The CA itself, for a data directory's secrets file only (never logged, never sent). */
  exportIdentity(): CaIdentity;
}

export interface LocalCaOptions {
  /** The names in the server certificate (default: DNS `localhost` and `*.database.localhost`, IP `127.0.0.1`). */
  readonly serverNames?: Names;
  /** Default: now. The certificates are valid from an hour before it (clock skew). */
  readonly now?: Date;
  /** Default: 365. */
  readonly validityDays?: number;
  /** A CA kept from an earlier start (a data directory): reused while valid for another day, else replaced. */
  readonly existing?: CaIdentity;
}

const HOUR_MS = 3_600_000;
const PERMITTED: Names = { dns: ["localhost"], ips: ["127.0.0.0/8"] };
export const DEFAULT_SERVER_NAMES: Names = { dns: ["localhost", `*.${ENDPOINT_HOST_ZONE}`], ips: ["127.0.0.1"] };

/** The kept CA when it is still good for at least a day at `now`, else undefined. */
function reusable(existing: CaIdentity | undefined, now: Date): { name: string; key: KeyObject; certificate: string; notAfter: Date } | undefined {
  if (!existing) return undefined;
  try {
    const cert = new X509Certificate(existing.certificate);
    const key = createPrivateKey(existing.key);
    const notAfter = new Date(cert.validTo);
    if (!cert.ca || notAfter.getTime() - now.getTime() < 24 * HOUR_MS || !cert.checkPrivateKey(key)) return undefined;
    return { name: existing.name, key, certificate: existing.certificate, notAfter };
  } catch {
    return undefined;
  }
}

export function createLocalCa(options: LocalCaOptions = {}): LocalCa {
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - HOUR_MS);
  let notAfter = new Date(now.getTime() + (options.validityDays ?? 365) * 24 * HOUR_MS);
  let ca = reusable(options.existing, now);
  if (ca) {
    notAfter = ca.notAfter; // a leaf never outlives its CA
  } else {
    const caKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
    // A distinct CA name per CA: a client holding another emulator's CA fails with a clear
    // "unable to get local issuer certificate" rather than a signature mismatch.
    const name = `lakebase-sdk emulator CA ${randomUUID().slice(0, 8)}`;
    const certificate = certificatePem(
      createCertificate({ issuer: name, subject: name, publicKey: caKeys.publicKey, signingKey: caKeys.privateKey, notBefore, notAfter, ca: { pathLength: 0, permitted: PERMITTED } }),
    );
    ca = { name, key: caKeys.privateKey, certificate, notAfter };
  }
  const serverKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const server = createCertificate({
    issuer: ca.name,
    subject: "localhost",
    publicKey: serverKeys.publicKey,
    signingKey: ca.key,
    notBefore,
    notAfter,
    serverNames: options.serverNames ?? DEFAULT_SERVER_NAMES,
  });
  const kept = ca;
  return {
    certificate: ca.certificate,
    server: { key: serverKeys.privateKey.export({ type: "pkcs8", format: "pem" }) as string, cert: certificatePem(server) },
    exportIdentity: () => ({ name: kept.name, key: kept.key.export({ type: "pkcs8", format: "pem" }) as string, certificate: kept.certificate }),
  };
}

