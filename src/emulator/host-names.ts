/**
 * The host names endpoints are published under (`status.hosts`), shaped like the service's where
 * this machine allows, so that code which parses a host (`ep-….database.<region>.cloud.databricks.com`,
 * docs/api-behaviour.md#resource-names-and-ids) behaves the same against the emulator.
 *
 * - `"name"`: `<endpoint uid>.database.localhost:<port>`, e.g. `ep-blue-bread-1a2b3c4d.database.localhost:40123`.
 *   `*.localhost` is loopback by RFC 6761, but whether getaddrinfo answers it depends on the
 *   machine (systemd's nss-myhostname does; glibc with `hosts: files dns` alone does not).
 * - `"ip"`: `127.0.0.1:<port>`, which every machine resolves.
 * - `"auto"` (default): probes a random name of the zone with `dns.lookup` (what `pg`, `net` and
 *   libpq's getaddrinfo use) once at start, and serves names only when every address it returns is
 *   loopback and one is 127.x (the listeners are IPv4 loopback only); else IPs.
 * Either way the endpoints' TLS certificate covers the host (tls/ca.ts: `*.database.localhost`,
 * `localhost`, `127.0.0.1`), so `sslmode=verify-full` passes.
 */
import { randomBytes } from "node:crypto";
import { lookup as dnsLookup } from "node:dns/promises";
import { ENDPOINT_HOST_ZONE } from "./tls/ca.js";

export type HostNameChoice = "auto" | "name" | "ip";
export type HostNameMode = "name" | "ip";
export const HOST_NAME_CHOICES = ["auto", "name", "ip"] as const;

/** Every address a name resolves to (the shape of `dns.promises.lookup(name, { all: true })`). */
export type HostLookup = (name: string) => Promise<readonly { address: string; family: number }[]>;

const systemLookup: HostLookup = (name) => dnsLookup(name, { all: true });
const PROBE_TIMEOUT_MS = 2000;

const isLoopback = (address: string) => address.startsWith("127.") || address === "::1";

/** Whether names of the endpoint zone reach this machine's IPv4 loopback. */
export async function zoneResolvesToLoopback(lookup: HostLookup = systemLookup): Promise<boolean> {
  const probe = `ep-probe-${randomBytes(4).toString("hex")}.${ENDPOINT_HOST_ZONE}`;
  let timer: NodeJS.Timeout | undefined;
  try {
    const addresses = await Promise.race([
      lookup(probe),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), PROBE_TIMEOUT_MS)).unref()),
    ]);
    return addresses.length > 0 && addresses.every((a) => isLoopback(a.address)) && addresses.some((a) => a.address.startsWith("127."));
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** The mode to serve: a forced one as is; `"auto"` by the probe. */
export async function chooseHostNames(choice: HostNameChoice, lookup?: HostLookup): Promise<HostNameMode> {
  if (choice !== "auto") return choice;
  return (await zoneResolvesToLoopback(lookup)) ? "name" : "ip";
}

/** The host (without port) an endpoint is published under. */
export function endpointHostName(mode: HostNameMode, endpointUid: string): string {
  return mode === "name" ? `${endpointUid}.${ENDPOINT_HOST_ZONE}` : "127.0.0.1";
}
