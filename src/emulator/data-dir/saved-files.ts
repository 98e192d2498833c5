/**
 * What a data directory keeps, file by file (layout 1), and how each is read:
 *
 * - `secrets.json` (0600): the PAT, the user, the service principal's client id and secret, and the
 *   local CA (tls/ca.ts). Written at every start (a `--token` given replaces the kept PAT).
 * - `state.json` (0600): every API resource of the Store (soft-deleted projects included, and each
 *   handler module's collection), the operations, the unexpired database credentials and OAuth
 *   tokens (a pool or client holding one keeps working across a restart), and where each Postgres
 *   branch lives (engine and major). Replaced whole after each change (atomic-write.ts).
 * - `ca.pem`: the CA certificate, for `sslrootcert` (the same across restarts).
 * - `engines/<engine>-<major>/`: each engine's branch data (postgres/system.ts, postgres/pglite.ts).
 * - `layout.json`, `emulator.lock`: layout.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Credential } from "../credentials.js";
import type { IssuedToken } from "../auth.js";
import type { StoredOperation } from "../operations.js";
import type { BranchPlacement } from "../postgres/by-version.js";
import type { StoredRecords } from "../state.js";
import type { CaIdentity } from "../tls/ca.js";
import { writeFileAtomic } from "./atomic-write.js";
import { DATA_DIR_LAYOUT, DataDirError } from "./layout.js";

export const SECRETS_FILE = "secrets.json";
export const STATE_FILE = "state.json";
export const CA_FILE = "ca.pem";
export const ENGINES_DIR = "engines";

export interface KeptSecrets {
  readonly pat: string;
  readonly userName: string;
  readonly userId: string;
  readonly servicePrincipal: { readonly clientId: string; readonly clientSecret: string };
  readonly ca: CaIdentity;
}

export interface SavedState {
  readonly layout: number;
  readonly records: StoredRecords;
  readonly operations: StoredOperation[];
  readonly credentials: [string, Credential][];
  readonly oauthTokens: [string, IssuedToken][];
  readonly postgres: BranchPlacement[];
}

/** The parsed file, or undefined when it does not exist yet; a damaged file is an error (never silently dropped). */
function readJson<T>(dir: string, file: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, file), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new DataDirError(`${join(dir, file)} is not valid JSON (${(error as Error).message}): restore it from a backup or use a new data directory`);
  }
}

export const readSecrets = (dir: string) => readJson<KeptSecrets>(dir, SECRETS_FILE);

export function readState(dir: string): SavedState | undefined {
  const state = readJson<SavedState>(dir, STATE_FILE);
  if (state && state.layout !== DATA_DIR_LAYOUT) throw new DataDirError(`${join(dir, STATE_FILE)} has layout ${String(state.layout)}, not ${DATA_DIR_LAYOUT}`);
  return state;
}

export const writeSecrets = (dir: string, secrets: KeptSecrets) => writeFileAtomic(join(dir, SECRETS_FILE), `${JSON.stringify(secrets, null, 2)}\n`, 0o600);
