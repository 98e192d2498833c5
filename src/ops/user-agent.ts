import { SDK_VERSION } from "../version.js";

/** The runtime, for the User-Agent: Bun and Deno also fill in process.versions.node, so they are asked first. */
function runtimeName(): string {
  const g = globalThis as {
    Bun?: { version?: string };
    Deno?: { version?: { deno?: string } };
    navigator?: { userAgent?: string };
    process?: { versions?: { node?: string } };
  };
  if (g.Bun?.version) return `bun/${g.Bun.version}`;
  if (g.Deno?.version?.deno) return `deno/${g.Deno.version.deno}`;
  if (g.navigator?.userAgent === "Cloudflare-Workers") return "workerd";
  if (g.process?.versions?.node) return `node/${g.process.versions.node}`;
  return "runtime/unknown";
}

/** `lakebase-sdk/<version> <runtime>[ <product>]`: sent with every API and token request. */
export function userAgent(product?: string): string {
  const runtime = runtimeName();
  const base = `lakebase-sdk/${SDK_VERSION} ${runtime}`;
  return product ? `${base} ${product}` : base;
}
