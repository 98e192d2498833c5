import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AlreadyExistsError,
  BadRequestError,
  createLakebaseClient,
  NotFoundError,
  PermissionDeniedError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
  type LakebaseClient,
} from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { Faults } from "../../src/emulator/faults.js";
import { rawClient } from "../../src/raw.js";
import { OperationStore } from "../../src/emulator/operations.js";

/**
 * The SDK against the emulator over real HTTP and real Postgres. Every response is validated
 * against the generated zod schemas (validateResponses: true).
 */
let emulator: Emulator;
let client: LakebaseClient;
const P = "projects/shop";
const PROD = `${P}/branches/production`;
const DEV = `${P}/branches/dev`;
const FAST = { pollIntervalMs: 20 };

beforeAll(async () => {
  emulator = await startEmulator({ operationLatencyMs: 30, wakeUpMs: 300, engine: (process.env.LAKEBASE_EMULATOR_ENGINE as "auto") ?? "auto" });
  client = createLakebaseClient({ host: emulator.host, auth: emulator.token, validateResponses: true, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  await client.projects.create("shop", { spec: { display_name: "Shop", pg_version: 17 } }).wait(FAST);
}, 60_000);

afterAll(async () => {
  await emulator?.stop();
});

async function connect(endpoint: string, database = "databricks_postgres", password?: string) {
  const ep = await client.endpoints.get(endpoint);
  const [host, port] = ep.status!.hosts!.host!.split(":");
  const token = password ?? (await client.credentials.generate({ endpoint, ttl: "600s" })).token!;
  const pgClient = new pg.Client({ host, port: Number(port), user: emulator.userName, password: token, database, ssl: false });
  await pgClient.connect();
  return pgClient;
}

describe("projects", () => {
  it("a new project has its production branch, primary endpoint, default database and owner role", async () => {
    const project = await client.projects.get(P);
    expect(project.status).toMatchObject({ display_name: "Shop", pg_version: 17, default_branch: PROD, history_retention_duration: "604800s", owner: emulator.userName });
    const production = await client.branches.get(PROD);
    expect(production.status).toMatchObject({ current_state: "READY", default: true });
    const primary = await client.endpoints.get(`${PROD}/endpoints/primary`);
    expect(primary.status).toMatchObject({ current_state: "ACTIVE", endpoint_type: "ENDPOINT_TYPE_READ_WRITE" });
    expect(primary.status?.hosts?.host).toMatch(/^127\.0\.0\.1:\d+$/);
    const dbs = await client.databases.list(PROD).toArray({ limit: 10 });
    expect(dbs.map((d) => d.status?.postgres_database)).toEqual(["databricks_postgres"]);
    const roles = await client.roles.list(PROD).toArray({ limit: 10 });
    expect(roles[0]?.status?.postgres_role).toBe(emulator.userName);
  });

  it("updates with a computed mask, lists with show_deleted, soft-deletes and undeletes", async () => {
    await client.projects.create("scratch", { spec: {} }).wait(FAST);
    const updated = await client.projects
      .update("projects/scratch", { spec: { display_name: "Scratch", default_endpoint_settings: { suspend_timeout_duration: "600s" } } })
      .wait(FAST);
    expect(updated.status?.display_name).toBe("Scratch");
    expect(updated.status?.default_endpoint_settings?.suspend_timeout_duration).toBe("600s");
    await expect(client.projects.create("scratch", { spec: {} }).submitted()).rejects.toBeInstanceOf(AlreadyExistsError);

    await client.projects.delete("projects/scratch").wait(FAST);
    const visible = await client.projects.list().toArray({ limit: 100 });
    expect(visible.map((p) => p.name)).not.toContain("projects/scratch");
    const all = await client.projects.list({ show_deleted: true }).toArray({ limit: 100 });
    expect(all.find((p) => p.name === "projects/scratch")?.delete_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    await client.projects.undelete("projects/scratch").wait(FAST);
    expect((await client.projects.list().toArray({ limit: 100 })).map((p) => p.name)).toContain("projects/scratch");
    await client.projects.delete("projects/scratch", { purge: true }).wait(FAST);
    await expect(client.projects.get("projects/scratch")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("branches", () => {
  it("creates a feature branch forked from production; the root branch is managed by its parent", async () => {
    const dev = await client.branches.create(P, "dev", { spec: { no_expiry: true } }).wait(FAST);
    expect(dev.status).toMatchObject({ current_state: "READY", source_branch: PROD, default: false });
    const error = await client.branches.delete(PROD).submitted().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).managedByParent).toBe(true);
  });

  it("protects and un-protects (explicit false), refusing deletion while protected", async () => {
    await client.branches.create(P, "guarded", { spec: { ttl: "3600s" } }).wait(FAST);
    const name = `${P}/branches/guarded`;
    expect((await client.branches.update(name, { spec: { is_protected: true } }).wait(FAST)).status?.is_protected).toBe(true);
    await expect(client.branches.delete(name).submitted()).rejects.toThrow(/protected/);
    expect((await client.branches.update(name, { spec: { is_protected: false } }).wait(FAST)).status?.is_protected).toBe(false);
    const withExpiry = await client.branches.update(name, { spec: { no_expiry: true } }).wait(FAST);
    expect(withExpiry.status?.expire_time).toBeUndefined();
    await client.branches.delete(name).wait(FAST);
    expect((await client.branches.list(P).toArray({ limit: 50 })).map((b) => b.name)).not.toContain(name);
    await client.branches.undelete(name).wait(FAST);
    await client.branches.delete(name, { purge: true }).wait(FAST);
    await expect(client.branches.get(name)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("paginates with real, tamper-checked tokens", async () => {
    await client.branches.create(P, "b1", { spec: {} }).wait(FAST);
    await client.branches.create(P, "b2", { spec: {} }).wait(FAST);
    const list = client.branches.list(P, { page_size: 1 });
    const pages: string[][] = [];
    for await (const page of list.pages()) pages.push(page.items.map((b) => b.branch_id!));
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.every((p) => p.length === 1)).toBe(true);
    const first = await list.page();
    const { error, response } = await rawClient(client).GET("/api/2.0/postgres/projects/{project_id}/branches", {
      params: { path: { project_id: "shop" }, query: { page_token: `${first.nextPageToken!.slice(0, -2)}xx` } },
    });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
    await client.branches.delete(`${P}/branches/b1`).wait(FAST);
    await client.branches.delete(`${P}/branches/b2`).wait(FAST);
  });
});

describe("endpoints", () => {
  const reader = `${DEV}/endpoints/reader`;

  it("creates a read-only endpoint, refuses a second read-write one, updates with a computed mask, deletes", async () => {
    const created = await client.endpoints.create(DEV, "reader", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", autoscaling_limit_max_cu: 2 } }).wait(FAST);
    expect(created.status).toMatchObject({ endpoint_type: "ENDPOINT_TYPE_READ_ONLY", current_state: "ACTIVE", autoscaling_limit_max_cu: 2 });
    const writer2 = client.endpoints.create(DEV, "writer2", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE" } }).submitted();
    await expect(writer2).rejects.toBeInstanceOf(BadRequestError);
    await expect(writer2).rejects.toMatchObject({ errorCode: "INVALID_PARAMETER_VALUE" });
    const updated = await client.endpoints
      .update(reader, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", suspend_timeout_duration: "900s", autoscaling_limit_min_cu: 0.5 } })
      .wait(FAST);
    expect(updated.status).toMatchObject({ suspend_timeout_duration: "900s", autoscaling_limit_min_cu: 0.5 });
    const noSuspend = await client.endpoints.update(reader, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", no_suspension: true } }).wait(FAST);
    expect(noSuspend.status?.suspend_timeout_duration).toBeUndefined();
    await expect(client.endpoints.waitForReady(reader, { pollIntervalMs: 20 })).resolves.toMatchObject({ name: reader });
    const rw = await client.endpoints.delete(`${DEV}/endpoints/primary`).submitted().catch((e: unknown) => e);
    expect((rw as BadRequestError).managedByParent).toBe(true);
    await client.endpoints.delete(reader).wait(FAST);
    await expect(client.endpoints.get(reader)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("enforces the live mask rules on the wire (exact messages)", async () => {
    const patch = (mask: string, body: object) =>
      rawClient(client).PATCH("/api/2.0/postgres/projects/{project_id}/branches/{branch_id}/endpoints/{endpoint_id}", {
        params: { path: { project_id: "shop", branch_id: "dev", endpoint_id: "primary" }, query: { update_mask: mask } },
        body: body as never,
      });
    const member = await patch("spec.suspend_timeout_duration", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", suspend_timeout_duration: "60s" } });
    expect(member.error).toEqual({ error_code: "INVALID_PARAMETER_VALUE", message: "Unknown field path in update_mask: 'spec.suspend_timeout_duration'" });
    const absent = await patch("spec.autoscaling_limit_max_cu", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE" } });
    expect(absent.error).toEqual({ error_code: "INVALID_PARAMETER_VALUE", message: "Field 'spec.autoscaling_limit_max_cu' is in update_mask but not provided in request" });
    const immutable = await patch("spec.endpoint_type", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY" } });
    expect(immutable.error).toMatchObject({ message: "Unknown field path in update_mask: 'spec.endpoint_type'" });
  });
});

describe("databases and roles", () => {
  it("creates a role and a database it owns, renames the database, refuses duplicates and unknown roles", async () => {
    const role = await client.roles.create(DEV, "app-owner", { spec: { postgres_role: "app_owner", attributes: { createdb: true } } }).wait(FAST);
    expect(role.status).toMatchObject({ postgres_role: "app_owner", identity_type: "IDENTITY_TYPE_UNSPECIFIED", auth_method: "PG_PASSWORD_SCRAM_SHA_256", attributes: { createdb: true, createrole: false, bypassrls: false } });
    await expect(client.roles.create(DEV, undefined, { spec: { postgres_role: "app_owner" } }).submitted()).rejects.toThrow(/role with that name already exists/);
    const changed = await client.roles.update(`${DEV}/roles/app-owner`, { spec: { attributes: { bypassrls: true } } }).wait(FAST);
    expect(changed.status?.attributes).toEqual({ createdb: true, createrole: false, bypassrls: true });

    const db = await client.databases.create(DEV, "orders", { spec: { postgres_database: "orders", role: `${DEV}/roles/app-owner` } }).wait(FAST);
    expect(db.status).toMatchObject({ postgres_database: "orders", role: `${DEV}/roles/app-owner` });
    const missing = await client.databases.create(DEV, undefined, { spec: { postgres_database: "x", role: `${DEV}/roles/nobody` } }).submitted().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toContain('role not found; role_id:"nobody"');
    const renamed = await client.databases.update(`${DEV}/databases/orders`, { spec: { postgres_database: "orders_v2", role: `${DEV}/roles/app-owner` } }, { update_mask: ["spec.postgres_database"] }).wait(FAST);
    expect(renamed.status?.postgres_database).toBe("orders_v2");
    const generated = await client.databases.create(DEV, undefined, { spec: { postgres_database: "scratch", role: `${DEV}/roles/app-owner` } }).wait(FAST);
    expect(generated.database_id).toMatch(/^db-[0-9a-f]{8}$/);
    await client.databases.delete(generated.name!).wait(FAST);
    await client.databases.delete(`${DEV}/databases/orders`).wait(FAST);
    await client.roles.delete(`${DEV}/roles/app-owner`).wait(FAST);
    await expect(client.roles.get(`${DEV}/roles/app-owner`)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("real Postgres behind every endpoint", () => {
  it("branches are copy-on-write: a write on dev leaves production unchanged", async () => {
    const prod = await connect(`${PROD}/endpoints/primary`);
    await prod.query("create table if not exists items (id int primary key, name text)");
    await prod.query("insert into items values (1, 'from production') on conflict do nothing");
    await prod.end();
    await client.branches.create(P, "feature", { spec: {} }).wait(FAST);
    const feature = await connect(`${P}/branches/feature/endpoints/primary`);
    expect((await feature.query("select count(*)::int as n from items")).rows[0].n).toBe(1);
    await feature.query("insert into items values (2, 'from feature')");
    expect((await feature.query("select count(*)::int as n from items")).rows[0].n).toBe(2);
    await feature.end();
    const prodAgain = await connect(`${PROD}/endpoints/primary`);
    expect((await prodAgain.query("select count(*)::int as n from items")).rows[0].n).toBe(1);
    await prodAgain.end();
  });

  it("refuses an expired credential, a credential for another endpoint, and a wrong user", async () => {
    const endpoint = `${PROD}/endpoints/primary`;
    const foreign = (await client.credentials.generate({ endpoint: `${P}/branches/feature/endpoints/primary` })).token!;
    await expect(connect(endpoint, "databricks_postgres", foreign)).rejects.toMatchObject({ code: "28P01" });
    const token = (await client.credentials.generate({ endpoint, ttl: "300s" })).token!;
    const ep = await client.endpoints.get(endpoint);
    const [host, port] = ep.status!.hosts!.host!.split(":");
    const wrongUser = new pg.Client({ host, port: Number(port), user: "someone-else", password: token, database: "databricks_postgres", ssl: false });
    await expect(wrongUser.connect()).rejects.toMatchObject({ code: "28P01" });
    emulator.expireCredentials();
    await expect(connect(endpoint, "databricks_postgres", token)).rejects.toMatchObject({ code: "28P01" });
    // A ttl outside 300s…3600s is refused by the SDK before any request, and by the emulator on the wire.
    await expect(client.credentials.generate({ endpoint, ttl: "30s" })).rejects.toBeInstanceOf(ValidationError);
    const raw = await rawClient(client).POST("/api/2.0/postgres/credentials", { body: { endpoint, ttl: "30s" } });
    expect(raw.response.status).toBe(400);
    expect(raw.error).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
  });

  it("a suspended endpoint shows IDLE, refuses connections while it wakes, then serves", async () => {
    const endpoint = `${PROD}/endpoints/primary`;
    emulator.suspendEndpoint(endpoint);
    expect((await client.endpoints.get(endpoint)).status?.current_state).toBe("IDLE");
    const first = await connect(endpoint).catch((e: unknown) => e);
    expect(first).toMatchObject({ code: "57P03" });
    await new Promise((r) => setTimeout(r, 400));
    const woken = await connect(endpoint);
    expect((await woken.query("select 1 as ok")).rows[0].ok).toBe(1);
    await woken.end();
    expect((await client.endpoints.get(endpoint)).status?.current_state).toBe("ACTIVE");
  });
});

describe("catalogs, synced tables, Data API and CDF", () => {
  it("runs each through create, get, list where it exists, and delete", async () => {
    const catalog = await client.catalogs.create("shop_cat", { spec: { postgres_database: "databricks_postgres", branch: PROD } }).wait(FAST);
    expect(catalog.status).toMatchObject({ project: P, branch: PROD });
    expect((await client.catalogs.get("catalogs/shop_cat")).catalog_id).toBe("shop_cat");
    await client.catalogs.delete("catalogs/shop_cat").wait(FAST);

    await client.syncedTables.create("main.sales.orders", { spec: { source_table_full_name: "main.sales.orders_delta", primary_key_columns: ["id"], branch: PROD } }).wait(FAST);
    expect((await client.syncedTables.get("synced_tables/main.sales.orders")).status?.detailed_state).toBe("SYNCED_TABLE_ONLINE_NO_PENDING_UPDATE");
    await client.syncedTables.delete("synced_tables/main.sales.orders").wait(FAST);

    const DB = `${PROD}/databases/databricks-postgres`;
    await client.dataApi.create(DB, { spec: { db_schemas: ["public"], db_max_rows: 100 } }).wait(FAST);
    const api = await client.dataApi.update(`${DB}/data-api`, { spec: { db_max_rows: 500 } }).wait(FAST);
    expect(api.status?.db_max_rows).toBe(500);
    await client.dataApi.delete(`${DB}/data-api`).wait(FAST);

    await client.cdf.createConfig(DB, undefined, { catalog: "main", schema: "cdc", postgres_schema: "public" }).wait(FAST);
    const configs = await client.cdf.listConfigs(DB).toArray({ limit: 10 });
    expect(configs.map((c) => c.cdf_config_id)).toEqual(["public"]);
    const statuses = await client.cdf.listStatuses(`${DB}/cdf-configs/public`).toArray({ limit: 10 });
    expect(statuses.map((s) => s.postgres_table)).toContain("items");
    expect((await client.cdf.getStatus(`${DB}/cdf-configs/public/cdf-statuses/items`)).state).toBe("CDF_STATE_STREAMING");
    await client.cdf.deleteConfig(`${DB}/cdf-configs/public`).wait(FAST);
  });
});

describe("auth, operations and faults", () => {
  it("never prints its token or service principal secret", async () => {
    const { inspect } = await import("node:util");
    for (const text of [String(emulator), JSON.stringify(emulator), inspect(emulator)]) {
      expect(text).not.toContain(emulator.token);
      expect(text).not.toContain(emulator.servicePrincipal.clientSecret);
    }
  });

  it("answers a missing token with 401 and an unknown one with 403", async () => {
    const anonymous = createLakebaseClient({ host: emulator.host, auth: { getToken: () => ({ accessToken: "" }) }, retry: false });
    await expect(anonymous.projects.get(P)).rejects.toBeInstanceOf(UnauthenticatedError);
    const wrong = createLakebaseClient({ host: emulator.host, auth: "dapi-wrong", retry: false });
    await expect(wrong.projects.get(P)).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it("issues OAuth tokens to its service principal (client credentials) that the API accepts", async () => {
    const { clientId, clientSecret } = emulator.servicePrincipal;
    const response = await fetch(`${emulator.host}/oidc/v1/token`, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&scope=all-apis",
    });
    expect(response.status).toBe(200);
    const token = (await response.json()) as { access_token: string; expires_in: number };
    expect(token.expires_in).toBe(3600);
    const sp = createLakebaseClient({ host: emulator.host, auth: token.access_token });
    expect((await sp.projects.get(P)).name).toBe(P);
    const bad = await fetch(`${emulator.host}/oidc/v1/token`, { method: "POST", body: "grant_type=client_credentials&client_id=x&client_secret=y", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: "invalid_client" });
  });

  it("operation names are nested under the resource and base64-like; a failed operation throws its typed error", async () => {
    const handle = client.branches.create(P, "doomed", { spec: {} });
    const { name } = await handle.submitted();
    expect(name).toMatch(new RegExp(`^${P}/branches/doomed/operations/[A-Za-z0-9+/=]+$`));
    await handle.wait(FAST);
    emulator.faults.set({ failOperationKinds: ["Branch"] });
    try {
      await expect(client.branches.delete(`${P}/branches/doomed`).wait(FAST)).rejects.toThrow(/fault injection/);
    } finally {
      emulator.faults.reset();
    }
  });

  it("a create whose operation fails leaves nothing behind: the id reads 404 and can be created again", async () => {
    for (const [create, read] of [
      [() => client.branches.create(P, "half-made", { spec: { no_expiry: true } }), () => client.branches.get(`${P}/branches/half-made`)],
      [() => client.projects.create("half-made", { spec: {} }), () => client.projects.get("projects/half-made")],
    ] as const) {
      emulator.faults.set({ failNextOperations: 1 });
      await expect(create().wait(FAST)).rejects.toThrow(/fault injection/);
      expect(emulator.faults.settings.failNextOperations).toBe(0);
      await expect(read()).rejects.toBeInstanceOf(NotFoundError);
      expect((await create().wait(FAST)).name).toMatch(/half-made$/);
    }
    await client.projects.delete("projects/half-made").wait(FAST);
  });

  it("injected 429 and 503 answers carry the Retry-After they were given (header, RetryInfo, and the SDK's retryAfterMs)", async () => {
    const noRetry = createLakebaseClient({ host: emulator.host, auth: emulator.token, retry: false });
    try {
      for (const [setting, status, code] of [
        [{ rate429: 1 }, 429, "REQUEST_LIMIT_EXCEEDED"],
        [{ rate503: 1 }, 503, "TEMPORARILY_UNAVAILABLE"],
      ] as const) {
        emulator.faults.reset();
        emulator.faults.set({ ...setting, retryAfterSeconds: 7 });
        const response = await fetch(`${emulator.host}/api/2.0/postgres/${P}`, { headers: { Authorization: `Bearer ${emulator.token}` } });
        expect(response.status).toBe(status);
        expect(response.headers.get("retry-after")).toBe("7");
        const body = (await response.json()) as { error_code: string; details?: unknown[] };
        expect(body.error_code).toBe(code);
        if (status === 429) expect(body.details).toEqual([{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retry_delay: "7s" }]);
        const error = (await noRetry.projects.get(P).catch((e: unknown) => e)) as UnavailableError;
        expect(error.status).toBe(status);
        expect(error.errorCode).toBe(code);
        expect(error.retryAfterMs).toBe(7_000);
      }
    } finally {
      emulator.faults.reset();
    }
  });

  it("injects 503 with Retry-After; the SDK retries a GET through it", async () => {
    emulator.faults.set({ rate503: 1, retryAfterSeconds: 0 });
    const noRetry = createLakebaseClient({ host: emulator.host, auth: emulator.token, retry: false });
    await expect(noRetry.projects.get(P)).rejects.toBeInstanceOf(UnavailableError);
    emulator.faults.set({ rate503: 0.5 });
    // at 50 % failures, 21 failures in a row has odds of 1 in 2 million
    const patient = createLakebaseClient({ host: emulator.host, auth: emulator.token, validateResponses: true, retry: { maxRetries: 20, baseDelayMs: 1, maxDelayMs: 5 } });
    try {
      for (let i = 0; i < 5; i++) expect((await patient.projects.get(P)).name).toBe(P);
    } finally {
      emulator.faults.reset();
    }
  });
});

describe("emulator operations take their latency", () => {
  it("an operation whose work is instant is done only after operationLatencyMs", async () => {
    const store = new OperationStore(() => 1_000, new Faults());
    const started = performance.now();
    const op = store.start({ resource: "projects/x", kind: "Project", run: async () => ({ name: "projects/x" }) });
    expect(op.done).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(store.get(op.name)?.done).toBe(false);
    let done = store.get(op.name);
    while (!done?.done) {
      await new Promise((r) => setTimeout(r, 10));
      done = store.get(op.name);
    }
    expect(performance.now() - started).toBeGreaterThanOrEqual(995);
    expect(done.response).toEqual({ "@type": "type.googleapis.com/databricks.postgres.v1.Project", name: "projects/x" });
    await store.settle();
  });

  it("an operation whose work outlasts the latency is done only when the work is", async () => {
    const store = new OperationStore(() => 10, new Faults());
    let finish: (value: { name: string }) => void = () => undefined;
    const op = store.start({ resource: "projects/y", kind: "Project", run: () => new Promise((r) => (finish = r)) });
    await new Promise((r) => setTimeout(r, 100));
    expect(store.get(op.name)?.done).toBe(false);
    finish({ name: "projects/y" });
    await store.settle();
    expect(store.get(op.name)).toMatchObject({ done: true, response: { name: "projects/y" } });
  });

  it("through the API: a mutation answers done: false, and the operation is done after the latency", async () => {
    const handle = client.branches.create(P, "latency-probe", { spec: {} });
    const first = await handle.submitted();
    expect(first.done).toBe(false);
    const branch = await handle.wait(FAST);
    expect(branch.name).toBe(`${P}/branches/latency-probe`);
    await client.branches.delete(branch.name!, { purge: true }).wait(FAST);
  });
});
