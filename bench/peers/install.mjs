// The peer SDKs (Neon's API client, @databricks/sdk-experimental), installed on demand for `npm run bench -- --peers`
// into a scratch directory outside the repository, so they never enter package.json or the
// lockfile (they are only compared against, never used).
//
//   node bench/peers/install.mjs            # install (or reuse) and print what is there
//   LAKEBASE_BENCH_PEERS_DIR=/some/dir …    # where (default: <tmpdir>/lakebase-sdk-bench-peers)
//
// @databricks/sdk-experimental is asked for as @latest on purpose: on Node 20 a bare install
// resolves to 0.14.2 (0.15+ declare engines.node >= 22, and npm then avoids them), whose GET
// query strings and host port are dropped; 0.17 loads and runs on Node 20 (npm only warns).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PEERS = {
  "@databricks/sdk-experimental": "latest",
  "@neondatabase/api-client": "latest",
};

export function peersDir() {
  return process.env.LAKEBASE_BENCH_PEERS_DIR || join(tmpdir(), "lakebase-sdk-bench-peers");
}

/** The installed peers: name → { version, dir } (only those present). */
export function installedPeers(dir = peersDir()) {
  const found = {};
  for (const name of Object.keys(PEERS)) {
    const manifest = join(dir, "node_modules", name, "package.json");
    if (existsSync(manifest)) found[name] = { version: JSON.parse(readFileSync(manifest, "utf8")).version, dir: join(dir, "node_modules", name) };
  }
  return found;
}

/** Installs the missing peers with the ordinary npm client; returns installedPeers(). */
export function installPeers(dir = peersDir()) {
  const missing = Object.keys(PEERS).filter((name) => !(name in installedPeers(dir)));
  if (missing.length > 0) {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, "package.json"))) writeFileSync(join(dir, "package.json"), `${JSON.stringify({ private: true, name: "lakebase-sdk-bench-peers" })}\n`);
    console.error(`bench peers: installing ${missing.join(", ")} into ${dir} …`);
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...missing.map((n) => `${n}@${PEERS[n]}`)], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  }
  return installedPeers(dir);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const peers = installPeers();
  for (const [name, { version, dir }] of Object.entries(peers)) console.log(`${name}@${version}  ${dir}`);
}
