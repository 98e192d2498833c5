// Shared set-up of the connection tests: an emulator on the engine LAKEBASE_EMULATOR_ENGINE names
// (as test/postgres/pool.test.ts runs), a project, and the second identity the emulator has — its
// service principal, with a Postgres role (the project owner's role exists from creation).
import { createLakebaseClient, type LakebaseClient } from "../../src/index.js";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../src/emulator/index.js";

export const FAST = { pollIntervalMs: 20 };

export interface Setup {
  readonly emulator: Emulator;
  /** The user (the emulator's PAT): created the project. */
  readonly owner: LakebaseClient;
  readonly branch: string;
  readonly endpoint: string;
  /** The endpoint's published `host:port`, split. */
  readonly host: string;
  readonly port: number;
}

export async function startWithProject(project: string, options: EmulatorOptions = {}): Promise<Setup> {
  const emulator = await startEmulator({ operationLatencyMs: 20, autoSuspend: false, engine: (process.env.LAKEBASE_EMULATOR_ENGINE as "auto") ?? "auto", ...options });
  const owner = createLakebaseClient({ host: emulator.host, auth: emulator.token, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  await owner.projects.create(project, { spec: {} }).wait(FAST);
  const branch = `projects/${project}/branches/production`;
  const endpoint = `${branch}/endpoints/primary`;
  const [host, port] = (await owner.endpoints.get(endpoint)).status!.hosts!.host!.split(":") as [string, string];
  return { emulator, owner, branch, endpoint, host, port: Number(port) };
}

/** An OAuth token of the emulator's service principal (client credentials), as a second identity's token. */
export async function servicePrincipalToken(emulator: Emulator): Promise<string> {
  const response = await fetch(`${emulator.host}/oidc/v1/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: emulator.servicePrincipal.clientId, client_secret: emulator.servicePrincipal.clientSecret, scope: "all-apis" }),
  });
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The Postgres role of the service principal (Roles API), so that it can log in. */
export async function createServicePrincipalRole({ emulator, owner, branch }: Setup): Promise<string> {
  const name = emulator.servicePrincipal.clientId;
  await owner.roles.create(branch, name, { spec: { postgres_role: name, identity_type: "SERVICE_PRINCIPAL" } }).wait(FAST);
  return name;
}
