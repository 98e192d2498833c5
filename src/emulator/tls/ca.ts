/**
 * The emulator's local certificate authority, made fresh at every start: an ECDSA P-256 CA and
 * one server certificate it signs for the names endpoints are reached by (`127.0.0.1`, `localhost`).
 *
 * - The CA's private key never leaves this function: nothing else can be signed with it, and it
 *   dies with the process. Only the CA certificate is shared (clients trust it).
 * - The CA is name-constrained to `localhost` and `127.0.0.0/8`, so trusting it can never vouch for
 *   another host, even in a client that trusted it more broadly than one connection.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { certificatePem, createCertificate, type Names } from "./x509.js";

export interface LocalCa {
  /** PEM of the CA certificate: what clients trust (`ssl.ca` for pg, `sslrootcert` for libpq). */
  readonly certificate: string;
  /** The endpoints' TLS identity, signed by the CA: PEM private key (PKCS#8) and certificate. */
  readonly server: { readonly key: string; readonly cert: string };
}

export interface LocalCaOptions {
  /** The names in the server certificate (default: DNS `localhost`, IP `127.0.0.1`). */
  readonly serverNames?: Names;
  /** Default: now. The certificates are valid from an hour before it (clock skew). */
  readonly now?: Date;
  /** Default: 365. */
  readonly validityDays?: number;
}

const HOUR_MS = 3_600_000;
const PERMITTED: Names = { dns: ["localhost"], ips: ["127.0.0.0/8"] };

export function createLocalCa(options: LocalCaOptions = {}): LocalCa {
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - HOUR_MS);
  const notAfter = new Date(now.getTime() + (options.validityDays ?? 365) * 24 * HOUR_MS);
  const caKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const serverKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  // A distinct CA name per start: a client holding an old emulator's CA fails with a clear
  // "unable to get local issuer certificate" rather than a signature mismatch.
  const caName = `lakebase-sdk emulator CA ${randomUUID().slice(0, 8)}`;
  const ca = createCertificate({
    issuer: caName,
    subject: caName,
    publicKey: caKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    ca: { pathLength: 0, permitted: PERMITTED },
  });
  const server = createCertificate({
    issuer: caName,
    subject: "localhost",
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    serverNames: options.serverNames ?? { dns: ["localhost"], ips: ["127.0.0.1"] },
  });
  return {
    certificate: certificatePem(ca),
    server: { key: serverKeys.privateKey.export({ type: "pkcs8", format: "pem" }) as string, cert: certificatePem(server) },
  };
}
