/**
 * What `lakebase-emulator` checks before it starts: the optional dependencies the chosen engine
 * needs, each missing one named with the command that installs it, instead of a failure later
 * inside an operation. Engine choice mirrors src/emulator/postgres/index.ts (same detection).
 */
import type { EngineChoice } from "./cli-args.js";
import { detectSystemPostgres } from "./postgres/system.js";

/** Pinned together (pglite-socket names pglite's exact version); a test keeps them equal to package.json's peerDependencies. */
export const PGLITE_PACKAGES = { "@electric-sql/pglite": "0.5.14", "@electric-sql/pglite-socket": "0.2.17" } as const;

const INSTALL_SYSTEM = "install PostgreSQL >= 13 (apt-get install postgresql; brew install postgresql) or set PG_BIN to its bin directory";
const installPglite = (names: readonly string[]) => `npm i ${names.map((n) => `${n}@${PGLITE_PACKAGES[n as keyof typeof PGLITE_PACKAGES]}`).join(" ")}`;

export interface Probes {
  /** Resolves when the package loads (a dynamic import from the CLI, i.e. next to the emulator's own bundle). */
  load(pkg: string): Promise<unknown>;
  detectSystem(): Promise<{ bin: string; version: string } | { error: string }>;
}

const defaultProbes: Probes = {
  load: (pkg) => import(pkg),
  detectSystem: () => detectSystemPostgres(),
};

export interface Preflight {
  /** One line each: what is missing and how to install it. Empty when the engine can run. */
  readonly problems: string[];
  /** The system PostgreSQL found, when the engine is (or, for auto, will be) "system". */
  readonly system?: { bin: string; version: string };
  /** Informational (auto without a system PostgreSQL: why PGlite). */
  readonly notes: string[];
}

async function missing(probes: Probes, packages: readonly string[]): Promise<string[]> {
  const loaded = await Promise.all(packages.map((p) => probes.load(p).then(() => true, () => false)));
  return packages.filter((_, i) => !loaded[i]);
}

export async function preflight(engine: EngineChoice, probes: Probes = defaultProbes): Promise<Preflight> {
  const problems: string[] = [];
  const notes: string[] = [];
  if ((await missing(probes, ["pg"])).length) problems.push('the npm package "pg" is missing (both engines talk to Postgres through it): npm i pg');

  const system = engine === "pglite" ? undefined : await probes.detectSystem();
  if (system && !("error" in system)) return { problems, notes, system };

  const pglite = await missing(probes, Object.keys(PGLITE_PACKAGES));
  if (engine === "system") {
    problems.push(`no usable system PostgreSQL (${system!.error}): ${INSTALL_SYSTEM}; or use --engine pglite`);
  } else if (engine === "pglite") {
    if (pglite.length) problems.push(`the PGlite engine needs ${pglite.join(" and ")}: ${installPglite(pglite)}`);
  } else if (pglite.length) {
    problems.push(`no Postgres engine: no usable system PostgreSQL (${system!.error}) and ${pglite.join(" and ")} missing: ${INSTALL_SYSTEM}, or ${installPglite(pglite)}`);
  } else {
    notes.push(`no usable system PostgreSQL (${system!.error}), so PGlite; for the faster system engine, ${INSTALL_SYSTEM}`);
  }
  return { problems, notes };
}
