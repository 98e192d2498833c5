/**
 * A minimal X.509 v3 certificate encoder (DER, RFC 5280), just enough for the emulator's local CA:
 * ECDSA-with-SHA-256 signatures, one-CN names, and the extensions a TLS client checks
 * (basicConstraints, keyUsage, extKeyUsage, subjectAltName, nameConstraints, key identifiers).
 * node:crypto makes the keys and the signature; this module only lays out the bytes.
 */
import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from "node:crypto";
import { isIPv4 } from "node:net";

// ---- DER primitives (X.690) ----

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, ...items);
const set = (...items: Buffer[]): Buffer => tlv(0x31, ...items);
const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, "utf8"));
const booleanTrue = (): Buffer => tlv(0x01, Buffer.from([0xff]));
/** Context-specific tag `[n]`, constructed (EXPLICIT, or IMPLICIT over a SEQUENCE). */
const contextConstructed = (n: number, ...content: Buffer[]): Buffer => tlv(0xa0 | n, ...content);
/** Context-specific tag `[n]`, primitive (IMPLICIT over a primitive type, e.g. GeneralName's dNSName). */
const contextPrimitive = (n: number, bytes: Buffer): Buffer => tlv(0x80 | n, bytes);

/** A non-negative INTEGER from big-endian bytes (minimal form, a 0x00 prefix when the top bit is set). */
function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const value = bytes.subarray(start);
  return tlv(0x02, (value[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
}

function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const bytes: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const group = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) group.unshift(0x80 | (rest & 0x7f));
    bytes.push(...group);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A BIT STRING of named bits (bit 0 = most significant bit of the first byte), trailing zeros trimmed as DER requires. */
function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return tlv(0x03, Buffer.from([7 - (highest & 7)]), bytes);
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5), always in whole seconds, UTC. */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "") + "Z";
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), "latin1")) : tlv(0x18, Buffer.from(digits, "latin1"));
}

function ipv4(address: string): Buffer {
  if (!isIPv4(address)) throw new Error(`only IPv4 addresses are supported in certificates, not ${JSON.stringify(address)}`);
  return Buffer.from(address.split(".").map(Number));
}

// ---- X.509 ----

const OID = {
  commonName: "2.5.4.3",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  nameConstraints: "2.5.29.30",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

/** Subject alternative names, or a CA's permitted name subtrees. */
export interface Names {
  /** DNS names (`localhost`). */
  readonly dns?: readonly string[];
  /** IPv4 addresses; in name constraints, CIDR ranges (`127.0.0.0/8`). */
  readonly ips?: readonly string[];
}

export interface CertificateFields {
  /** Common name of the issuer; equals `subject` for a self-signed certificate. */
  readonly issuer: string;
  readonly subject: string;
  /** The certified public key (an EC or other key node:crypto can export as SPKI). */
  readonly publicKey: KeyObject;
  /** The issuer's private key: an EC key (the signature is ECDSA with SHA-256). */
  readonly signingKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Default: 16 random bytes. */
  readonly serialNumber?: Buffer;
  /** A CA certificate (basicConstraints CA:TRUE, keyUsage keyCertSign + cRLSign), optionally limited to `permitted` names. */
  readonly ca?: { readonly pathLength?: number; readonly permitted?: Names };
  /** A TLS server certificate for these names (subjectAltName, keyUsage digitalSignature, extKeyUsage serverAuth). */
  readonly serverNames?: Names;
}

function name(commonName: string): Buffer {
  return sequence(set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))));
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [booleanTrue()] : []), octetString(value));
}

/** Key identifier (RFC 5280 §4.2.1.2 allows any method): the SHA-1 of the DER SubjectPublicKeyInfo. */
function keyIdentifier(spki: Buffer): Buffer {
  return createHash("sha1").update(spki).digest();
}

function generalNames(names: Names): Buffer[] {
  return [
    ...(names.dns ?? []).map((dns) => contextPrimitive(2, Buffer.from(dns, "latin1"))), // dNSName [2] IA5String
    ...(names.ips ?? []).map((ip) => contextPrimitive(7, ipv4(ip))), // iPAddress [7] OCTET STRING
  ];
}

/** GeneralSubtree bases for nameConstraints: an IP range is address + mask. */
function subtrees(names: Names): Buffer[] {
  const ranges = (names.ips ?? []).map((cidr) => {
    const [address = "", bits = "32"] = cidr.split("/");
    const prefix = Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`bad CIDR range ${JSON.stringify(cidr)}`);
    const mask = Buffer.alloc(4);
    mask.writeUInt32BE(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
    return sequence(contextPrimitive(7, Buffer.concat([ipv4(address), mask])));
  });
  return [...(names.dns ?? []).map((dns) => sequence(contextPrimitive(2, Buffer.from(dns, "latin1")))), ...ranges];
}

function extensions(fields: CertificateFields, spki: Buffer, issuerSpki: Buffer): Buffer[] {
  const list = [
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))),
    extension(OID.authorityKeyIdentifier, false, sequence(contextPrimitive(0, keyIdentifier(issuerSpki)))),
  ];
  if (fields.ca) {
    const pathLength = fields.ca.pathLength === undefined ? [] : [unsignedInteger(Buffer.from([fields.ca.pathLength]))];
    list.push(extension(OID.basicConstraints, true, sequence(booleanTrue(), ...pathLength)));
    list.push(extension(OID.keyUsage, true, namedBits([5, 6]))); // keyCertSign, cRLSign
    if (fields.ca.permitted) list.push(extension(OID.nameConstraints, true, sequence(contextConstructed(0, ...subtrees(fields.ca.permitted)))));
  } else {
    list.push(extension(OID.basicConstraints, true, sequence())); // CA:FALSE
    list.push(extension(OID.keyUsage, true, namedBits([0]))); // digitalSignature (ECDHE-ECDSA)
  }
  if (fields.serverNames) {
    list.push(extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth))));
    list.push(extension(OID.subjectAltName, false, sequence(...generalNames(fields.serverNames))));
  }
  return list;
}

/** Encodes and signs a certificate; returns its DER bytes. */
export function createCertificate(fields: CertificateFields): Buffer {
  if (fields.signingKey.asymmetricKeyType !== "ec") throw new Error("the signing key must be an EC key (ECDSA with SHA-256)");
  const spki = fields.publicKey.export({ type: "spki", format: "der" });
  const issuerSpki = createPublicKey(fields.signingKey).export({ type: "spki", format: "der" });
  const serial = Buffer.from(fields.serialNumber ?? randomBytes(16));
  if (fields.serialNumber === undefined) serial[0] = (serial[0]! & 0x7f) | 0x01; // positive, 16 significant bytes
  const signatureAlgorithm = sequence(objectIdentifier(OID.ecdsaWithSha256)); // parameters absent (RFC 5758)
  const tbs = sequence(
    contextConstructed(0, unsignedInteger(Buffer.from([2]))), // version v3
    unsignedInteger(serial),
    signatureAlgorithm,
    name(fields.issuer),
    sequence(time(fields.notBefore), time(fields.notAfter)),
    name(fields.subject),
    spki,
    contextConstructed(3, sequence(...extensions(fields, spki, issuerSpki))),
  );
  const signature = sign("sha256", tbs, fields.signingKey); // DER Ecdsa-Sig-Value
  return sequence(tbs, signatureAlgorithm, tlv(0x03, Buffer.from([0]), signature));
}

/** PEM armour (`-----BEGIN CERTIFICATE-----`, base64 in 64-character lines). */
export function certificatePem(der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}
