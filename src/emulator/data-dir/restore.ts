/**
 * The emulator's state as a data directory keeps it (saved-files.ts), and the way back: records,
 * operations, credentials and tokens loaded, each saved branch served again by its engine, and the
 * endpoints of live branches listening again.
 */
import type { EmulatorAuth } from "../auth.js";
import { openEndpointRuntime } from "../handlers/endpoints.js";
import type { VersionedBackend } from "../postgres/by-version.js";
import type { EmulatorContext } from "../state.js";
import { DATA_DIR_LAYOUT } from "./layout.js";
import type { SavedState } from "./saved-files.js";

export function snapshotState(ctx: EmulatorContext, auth: EmulatorAuth, backend: VersionedBackend): SavedState {
  return {
    layout: DATA_DIR_LAYOUT,
    records: ctx.store.exportRecords(),
    operations: ctx.operations.exportAll(),
    credentials: ctx.credentials.exportIssued(),
    oauthTokens: auth.exportOAuthTokens(),
    postgres: backend.placements(),
  };
}

export interface RestoreReport {
  readonly branches: number;
  readonly endpoints: number;
  /** Backend branch ids that could not be served again (logged). */
  readonly lost: readonly string[];
  readonly ms: number;
}

/** Loads `state` into a fresh context; `backend` serves the saved branches again. */
export async function restoreState(ctx: EmulatorContext, auth: EmulatorAuth, backend: VersionedBackend, state: SavedState, log: (message: string) => void): Promise<RestoreReport> {
  const started = Date.now();
  ctx.store.importRecords(state.records);
  ctx.operations.importAll(state.operations ?? []);
  ctx.credentials.importIssued(state.credentials ?? []);
  auth.importOAuthTokens(state.oauthTokens ?? []);
  const lost = await backend.restore(state.postgres ?? []);
  const lostIds = new Set(lost);
  const live = [...ctx.store.endpoints.values()].filter((endpoint) => {
    try {
      ctx.store.endpoint(endpoint.name); // throws under a deleted branch or project: those stay closed, as before the stop
    } catch {
      return false;
    }
    return !lostIds.has(ctx.store.branches.get(endpoint.parent)!.uid);
  });
  const opened = await Promise.all(
    live.map((endpoint) =>
      openEndpointRuntime(ctx, endpoint).then(
        () => true,
        (error: unknown) => {
          log(`endpoint ${endpoint.name} could not listen again: ${(error as Error)?.message ?? String(error)}`);
          return false;
        },
      ),
    ),
  );
  const report = { branches: (state.postgres ?? []).length - lost.length, endpoints: opened.filter(Boolean).length, lost, ms: Date.now() - started };
  log(`data directory restored: ${report.branches} Postgres branches, ${report.endpoints} endpoints in ${report.ms} ms${lost.length ? `; not restored: ${lost.join(", ")}` : ""}`);
  return report;
}
