/**
 * The emulator's backend: routes each branch to the engine of its project's Postgres major.
 *
 * - The engines it may use (`EngineCandidate`, found by index.ts): one system PostgreSQL per major
 *   installed, and PGlite (PostgreSQL 18 in the pinned 0.5.14). Each starts on first need, never before, and stays up
 *   until `close()`.
 * - A root branch goes to an engine of the major its project asks (`createBranch(id, { pgMajor })`,
 *   from `spec.pg_version`). With two engines of that major, the system one wins (faster, and it
 *   has none of PGlite's limits).
 * - With no engine of that major, another major is **substituted**: the nearest newer one (newer
 *   servers accept what older ones do), else the newest older one. The substitution is logged;
 *   `planVersion` gives the sentence that names both majors and what to install, and the
 *   CreateProject handler sends it as a `Warning` header. With `strict`, the project is refused
 *   instead (`planVersion(…).refusal`).
 * - An engine that fails to start is logged and never tried again; its branches go to the next
 *   engine by the same rule (with `strict`, only to one of the same major).
 * - Forks (branches, snapshots) stay on their parent's engine. Every other call is routed by
 *   branch id to the engine that owns it.
 * - The backend has a temp directory of its own (for the emulator's CA file), removed by `close()`
 *   or by the exit hooks; each engine cleans its own as before.
 */
import { rm } from "node:fs/promises";
import { removeDirSync, track, untrack, type Reapable } from "./lifecycle.js";
import type { CreateBranchOptions, EndpointListener, EndpointOptions, EngineKind, PostgresBackend, VersionPlan } from "./types.js";

/** What the API reports and a project gets when `spec.pg_version` is absent. */
export const DEFAULT_PG_MAJOR = 17;
/**
 * The PostgreSQL major of the pinned PGlite (0.5.14, see cli-preflight.ts): PostgreSQL 18.6.
 * test/emulator/pg-version.test.ts checks it against the running engine.
 */
export const PGLITE_PG_MAJOR = 18;

/** An engine the machine can run, not started yet. */
export interface EngineCandidate {
  readonly engine: EngineKind;
  readonly pgMajor: number;
  /** The release when known before start (system: `postgres --version`, e.g. "15.18"). */
  readonly version?: string;
  start(): Promise<PostgresBackend>;
}

/** One engine of the emulator, as `emulator.engines` shows it. */
export interface EngineInfo {
  readonly engine: EngineKind;
  readonly pgMajor: number;
  readonly version?: string;
  /** Started (it serves at least one branch, or did). */
  readonly started: boolean;
}

/** Where a Postgres branch lives: what a data directory keeps to serve it again after a restart. */
export interface BranchPlacement {
  readonly branchId: string;
  readonly engine: EngineKind;
  readonly pgMajor: number;
}

export interface VersionedBackendOptions {
  readonly log: (message: string) => void;
  /** Refuse a major no engine runs, instead of substituting. */
  readonly strict: boolean;
  /** This backend's own temp directory (made by the caller; removed by close()). */
  readonly tempDir: string;
  /** What to install to run `major` here: a clause that follows "For PostgreSQL <major>, " (ASCII). */
  readonly installHint: (major: number) => string;
}

interface Slot {
  readonly candidate: EngineCandidate;
  backend?: PostgresBackend;
  starting?: Promise<PostgresBackend>;
  /** Why it failed to start; a failed engine is never tried again. */
  failed?: string;
}

/** "PGlite" / "system PostgreSQL 15.18". */
export function engineLabel(candidate: Pick<EngineCandidate, "engine" | "pgMajor" | "version">): string {
  return candidate.engine === "pglite" ? "PGlite" : `system PostgreSQL ${candidate.version ?? candidate.pgMajor}`;
}

/** A `pg_version` as a major: an integer (or its digits), else the default. */
const majorOf = (value: unknown): number => (Number.isInteger(Number(value)) && value !== null && value !== "" ? Number(value) : DEFAULT_PG_MAJOR);

/** Header-safe text: printable ASCII only. */
const ascii = (text: string) => text.replace(/[^\x20-\x7e]/g, "?");

/** Newest major first; within a major, the system engine first. */
function byPreference(a: Slot, b: Slot): number {
  return b.candidate.pgMajor - a.candidate.pgMajor || Number(a.candidate.engine === "pglite") - Number(b.candidate.engine === "pglite");
}

export class VersionedBackend implements PostgresBackend, Reapable {
  readonly engine: EngineKind;
  readonly tempDir: string;
  readonly #slots: Slot[];
  readonly #owners = new Map<string, Slot>();
  readonly #options: VersionedBackendOptions;
  #closing: Promise<void> | undefined;

  constructor(candidates: readonly EngineCandidate[], options: VersionedBackendOptions) {
    if (candidates.length === 0) throw new Error("no Postgres engine to route to");
    this.#slots = candidates.map((candidate) => ({ candidate })).sort(byPreference);
    this.#options = options;
    this.tempDir = options.tempDir;
    this.engine = this.#choose(DEFAULT_PG_MAJOR).slot!.candidate.engine;
    track(this);
  }

  /** Every engine this backend may use, newest major first, and whether it has started. */
  engines(): EngineInfo[] {
    return this.#slots
      .filter((s) => !s.failed)
      .map(({ candidate, backend }) => ({ engine: candidate.engine, pgMajor: candidate.pgMajor, ...(candidate.version ? { version: candidate.version } : {}), started: Boolean(backend) }));
  }

  planVersion(pgMajor: number): VersionPlan {
    return this.#choose(majorOf(pgMajor)).plan;
  }

  /**
   * The engine for `asked`: one of that major, else the substitute — the newest older major, else
   * the nearest newer one. Older first because code that runs on an older major runs on the one
   * asked for, while a newer major accepts what the asked one refuses: the emulator must not let
   * code pass that the service would fail (docs/api-behaviour.md, "pg_version in the emulator").
   * No slot when every engine failed to start.
   */
  #choose(asked: number): { slot?: Slot; plan: VersionPlan } {
    const live = this.#slots.filter((s) => !s.failed);
    const exact = live.find((s) => s.candidate.pgMajor === asked);
    if (exact) return { slot: exact, plan: { asked, engine: exact.candidate.engine, pgMajor: asked } };
    const nearestNewer = Math.min(...live.map((s) => s.candidate.pgMajor).filter((major) => major > asked));
    // Slots are newest major first: the first older one is the newest older.
    const slot = live.find((s) => s.candidate.pgMajor < asked) ?? live.find((s) => s.candidate.pgMajor === nearestNewer);
    if (!slot) return { plan: { asked, engine: this.#slots[0]!.candidate.engine, pgMajor: asked } };
    const { engine, pgMajor } = slot.candidate;
    const label = engineLabel(slot.candidate);
    const failed = this.#slots.find((s) => s.failed && s.candidate.pgMajor === asked);
    const remedy = failed ? `the ${engineLabel(failed.candidate)} engine failed to start (${failed.failed})` : this.#options.installHint(asked);
    if (this.#options.strict) {
      return {
        slot,
        plan: { asked, engine, pgMajor, refusal: ascii(`pg_version ${asked} is not available in this emulator (strict versions): for PostgreSQL ${asked}, ${remedy}; or start it without strict versions to run the project on PostgreSQL ${pgMajor} (${label}).`) },
      };
    }
    return { slot, plan: { asked, engine, pgMajor, substitution: ascii(`pg_version ${asked} is not available in this emulator: the project runs PostgreSQL ${pgMajor} (${label}) instead. For PostgreSQL ${asked}, ${remedy}.`) } };
  }

  #start(slot: Slot): Promise<PostgresBackend> {
    slot.starting ??= slot.candidate.start().then(
      async (backend) => {
        if (this.#closing) {
          await backend.close();
          throw new Error("the Postgres backend is closed");
        }
        slot.backend = backend;
        this.#options.log(`started ${engineLabel(slot.candidate)} for PostgreSQL ${slot.candidate.pgMajor} projects`);
        return backend;
      },
      (error: unknown) => {
        slot.failed = (error as Error)?.message ?? String(error);
        this.#options.log(`${engineLabel(slot.candidate)} failed to start (${slot.failed}); its projects go to another engine`);
        throw error;
      },
    );
    return slot.starting;
  }

  #assertOpen(): void {
    if (this.#closing) throw new Error("the Postgres backend is closed");
  }

  #engineOf(branchId: string): Promise<PostgresBackend> {
    this.#assertOpen();
    const slot = this.#owners.get(branchId);
    if (!slot) return Promise.reject(new Error(`branch "${branchId}" does not exist in the Postgres backend`));
    return this.#start(slot);
  }

  async createBranch(branchId: string, options: CreateBranchOptions = {}): Promise<void> {
    this.#assertOpen();
    if (this.#owners.has(branchId)) throw new Error(`branch "${branchId}" already exists in the Postgres backend`);
    const asked = majorOf(options.pgMajor);
    const subject = options.project ?? `branch ${branchId}`;
    for (;;) {
      const { slot, plan } = this.#choose(asked);
      if (!slot) throw new Error(`no Postgres engine could start: ${this.#slots.map((s) => `${engineLabel(s.candidate)}: ${s.failed}`).join("; ")}`);
      if (plan.refusal) throw new Error(plan.refusal);
      if (plan.substitution) this.#options.log(`${subject}: ${plan.substitution}`);
      this.#owners.set(branchId, slot);
      let backend: PostgresBackend;
      try {
        backend = await this.#start(slot);
      } catch (error) {
        this.#owners.delete(branchId);
        if (this.#closing) throw error;
        continue; // marked failed: choose again
      }
      try {
        await backend.createBranch(branchId);
      } catch (error) {
        this.#owners.delete(branchId);
        throw error;
      }
      return;
    }
  }

  async forkBranch(parentId: string, childId: string): Promise<void> {
    const backend = await this.#engineOf(parentId);
    if (this.#owners.has(childId)) throw new Error(`branch "${childId}" already exists in the Postgres backend`);
    this.#owners.set(childId, this.#owners.get(parentId)!);
    try {
      await backend.forkBranch(parentId, childId);
    } catch (error) {
      this.#owners.delete(childId);
      throw error;
    }
  }

  async dropBranch(branchId: string): Promise<void> {
    this.#assertOpen();
    if (!this.#owners.has(branchId)) return;
    await (await this.#engineOf(branchId)).dropBranch(branchId);
    this.#owners.delete(branchId);
  }

  async createDatabase(branchId: string, name: string, owner?: string): Promise<void> {
    return (await this.#engineOf(branchId)).createDatabase(branchId, name, owner);
  }

  async dropDatabase(branchId: string, name: string): Promise<void> {
    return (await this.#engineOf(branchId)).dropDatabase(branchId, name);
  }

  async renameDatabase(branchId: string, from: string, to: string): Promise<void> {
    return (await this.#engineOf(branchId)).renameDatabase(branchId, from, to);
  }

  async createRole(branchId: string, name: string, attributes?: { createdb?: boolean; createrole?: boolean; bypassrls?: boolean }): Promise<void> {
    return (await this.#engineOf(branchId)).createRole(branchId, name, attributes);
  }

  async dropRole(branchId: string, name: string): Promise<void> {
    return (await this.#engineOf(branchId)).dropRole(branchId, name);
  }

  async query(branchId: string, database: string, sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> {
    return (await this.#engineOf(branchId)).query(branchId, database, sql, params);
  }

  async openEndpoint(branchId: string, options: EndpointOptions): Promise<EndpointListener> {
    return (await this.#engineOf(branchId)).openEndpoint(branchId, options);
  }

  processes(): number[] {
    return this.#slots.flatMap((s) => s.backend?.processes() ?? []);
  }

  /** Every branch and the engine it lives on (a data directory saves this). */
  placements(): BranchPlacement[] {
    return [...this.#owners].map(([branchId, slot]) => ({ branchId, engine: slot.candidate.engine, pgMajor: slot.candidate.pgMajor }));
  }

  /**
   * Serves again the branches an earlier run left in the data directory, each on the engine that
   * made it (their files are that engine's). Engines start as needed; branches are restored in
   * parallel. A branch whose engine is gone from this machine, or whose data are missing, is logged
   * and left out; the ids left out are returned.
   */
  async restore(placements: readonly BranchPlacement[]): Promise<string[]> {
    this.#assertOpen();
    const lost: string[] = [];
    await Promise.all(
      placements.map(async ({ branchId, engine, pgMajor }) => {
        const slot = this.#slots.find((s) => s.candidate.engine === engine && s.candidate.pgMajor === pgMajor && !s.failed);
        if (!slot) {
          this.#options.log(`branch ${branchId} lives on ${engine} PostgreSQL ${pgMajor}, which this emulator cannot run now: its data stay in the data directory, unserved`);
          lost.push(branchId);
          return;
        }
        this.#owners.set(branchId, slot);
        try {
          const backend = await this.#start(slot);
          if (!backend.restoreBranch) throw new Error(`the ${engine} engine keeps no data`);
          await backend.restoreBranch(branchId);
        } catch (error) {
          this.#owners.delete(branchId);
          this.#options.log(`branch ${branchId} could not be restored: ${(error as Error)?.message ?? String(error)}`);
          lost.push(branchId);
        }
      }),
    );
    return lost;
  }

  close(): Promise<void> {
    return (this.#closing ??= (async () => {
      // An engine still starting is closed once up (#start sees #closing).
      await Promise.allSettled(this.#slots.map((s) => s.starting));
      await Promise.allSettled(this.#slots.map((s) => s.backend?.close()));
      await rm(this.tempDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
      untrack(this);
    })());
  }

  /** Exit hook: the engines reap themselves (they are tracked too); only this directory is left. */
  reapSync(): void {
    removeDirSync(this.tempDir);
  }
}
