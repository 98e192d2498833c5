// Issue 11: identities are Postgres roles, as in the service. A connection runs as the role named
// after the identity that logged in (current_user), so grants, ownership and row-level security can
// be tried locally; an identity without a role is refused after its token is checked.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, type LakebaseClient } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { startPostgresBackend, type EndpointListener, type EngineKind, type PostgresBackend } from "../../src/emulator/postgres/index.js";
import { detectSystemPostgres } from "../../src/emulator/postgres/system.js";

const systemAvailable = !("error" in (await detectSystemPostgres()));
const ENGINES: EngineKind[] = ["system", "pglite"];
const GOOD = "tok-good";
const FAST = { pollIntervalMs: 20 };

interface Login {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

async function connect(login: Login): Promise<pg.Client> {
  const c = new pg.Client({ ...login, ssl: false });
  c.on("error", () => {}); // asserted through the promises
  await c.connect();
  return c;
}

async function refusal(login: Login): Promise<{ code?: string; message: string; severity?: string }> {
  const error = await connect(login).then(
    async (c) => (await c.end(), undefined),
    (e: { code?: string; message: string; severity?: string }) => e,
  );
  expect(error, `${login.user} should have been refused`).toBeInstanceOf(Error);
  return error!;
}

const whoami = async (c: pg.Client) => (await c.query("select current_user as cu, session_user as su")).rows[0];
const bodies = async (c: pg.Client, table = "notes") => (await c.query(`select body from ${table} order by body`)).rows.map((r) => r.body as string);

describe.each(ENGINES)("backend, %s engine: each connection runs as its login role", (engine) => {
  const skip = engine === "system" && !systemAvailable;
  let backend: PostgresBackend;
  let endpoint: EndpointListener;
  const opened: pg.Client[] = [];
  const as = async (user: string, password = GOOD, database = "databricks_postgres") => {
    const c = await connect({ host: endpoint.host, port: endpoint.port, user, password, database });
    opened.push(c);
    return c;
  };

  beforeAll(async () => {
    if (skip) return;
    backend = await startPostgresBackend({ engine });
    await backend.createBranch("main");
    for (const role of ["alice@example.com", "bob@example.com", "nologin"]) await backend.createRole("main", role);
    await backend.query("main", "postgres", 'ALTER ROLE "nologin" NOLOGIN');
    await backend.query(
      "main",
      "databricks_postgres",
      `create table notes (owner text not null default current_user, body text not null);
       alter table notes enable row level security;
       create policy own_rows on notes using (owner = current_user) with check (owner = current_user);
       grant select, insert on notes to "alice@example.com", "bob@example.com";
       insert into notes values ('alice@example.com', 'a1'), ('alice@example.com', 'a2'), ('bob@example.com', 'b1')`,
    );
    endpoint = await backend.openEndpoint("main", { authenticate: (_user, password) => password === GOOD });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(opened.map((c) => c.end().catch(() => {})));
    await backend?.close();
  }, 30_000);

  it.skipIf(skip)("current_user and session_user are the login role; the emulator's own query() stays postgres", async () => {
    const alice = await as("alice@example.com");
    const bob = await as("bob@example.com");
    expect(await whoami(alice)).toEqual({ cu: "alice@example.com", su: "alice@example.com" });
    expect(await whoami(bob)).toEqual({ cu: "bob@example.com", su: "bob@example.com" });
    expect(await whoami(alice)).toEqual({ cu: "alice@example.com", su: "alice@example.com" });
    expect((await backend.query("main", "databricks_postgres", "select current_user as cu")).rows).toEqual([{ cu: "postgres" }]);
    expect(await whoami(bob)).toEqual({ cu: "bob@example.com", su: "bob@example.com" });
    expect((await alice.query("select current_setting('is_superuser') as su")).rows).toEqual([{ su: "off" }]);
  });

  it.skipIf(skip)("row-level security: two identities on concurrent connections see only their own rows", async () => {
    const alice = await as("alice@example.com");
    const bob = await as("bob@example.com");
    expect(await bodies(alice)).toEqual(["a1", "a2"]);
    expect(await bodies(bob)).toEqual(["b1"]);

    // A transaction of one while the other queries (PGlite serialises them: bob waits for the commit).
    await alice.query("begin");
    await alice.query("insert into notes (body) values ('a3')");
    const bobMeanwhile = bodies(bob);
    expect(await bodies(alice)).toEqual(["a1", "a2", "a3"]);
    await alice.query("commit");
    expect(await bobMeanwhile).toEqual(["b1"]);

    // The policy's check side: a row for someone else is refused.
    await expect(bob.query("insert into notes values ('alice@example.com', 'forged')")).rejects.toMatchObject({ code: "42501" });
    await bob.query("insert into notes (body) values ('b2')");
    const all = await Promise.all([bodies(alice), bodies(bob), bodies(alice), bodies(bob)]);
    expect(all).toEqual([["a1", "a2", "a3"], ["b1", "b2"], ["a1", "a2", "a3"], ["b1", "b2"]]);
    const owners = await backend.query("main", "databricks_postgres", "select owner, count(*)::int as n from notes group by owner order by owner");
    expect(owners.rows).toEqual([{ owner: "alice@example.com", n: 3 }, { owner: "bob@example.com", n: 2 }]);
  });

  it.skipIf(skip)("objects created over an endpoint belong to the login role, and privileges are the role's", async () => {
    await backend.query("main", "databricks_postgres", 'grant create on schema public to "alice@example.com"');
    const alice = await as("alice@example.com");
    await alice.query("create table alice_only (x int)");
    const owner = await backend.query("main", "databricks_postgres", "select tableowner from pg_tables where tablename = 'alice_only'");
    expect(owner.rows).toEqual([{ tableowner: "alice@example.com" }]);
    const bob = await as("bob@example.com");
    await expect(bob.query("select * from alice_only")).rejects.toMatchObject({ code: "42501", message: "permission denied for table alice_only" });
    await alice.query('grant select on alice_only to "bob@example.com"');
    expect((await bob.query("select count(*)::int as n from alice_only")).rows).toEqual([{ n: 0 }]);
  });

  it.skipIf(skip)("a role that does not exist: 28000 after the token check; a NOLOGIN role: 28000 not permitted", async () => {
    const login = (user: string, password = GOOD, database = "databricks_postgres") => ({ host: endpoint.host, port: endpoint.port, user, password, database });
    expect(await refusal(login("carol@example.com", "wrong"))).toMatchObject({ code: "28P01", message: 'password authentication failed for user "carol@example.com"' });
    expect(await refusal(login("carol@example.com"))).toMatchObject({ severity: "FATAL", code: "28000", message: 'role "carol@example.com" does not exist' });
    // As the server orders it: the role before the database.
    expect(await refusal(login("carol@example.com", GOOD, "nosuchdb"))).toMatchObject({ code: "28000" });
    expect(await refusal(login("alice@example.com", GOOD, "nosuchdb"))).toMatchObject({ code: "3D000" });
    expect(await refusal(login("nologin"))).toMatchObject({ severity: "FATAL", code: "28000", message: 'role "nologin" is not permitted to log in' });
    // The refusals leave the others' sessions alone.
    expect(await whoami(await as("bob@example.com"))).toEqual({ cu: "bob@example.com", su: "bob@example.com" });
  });

  it.skipIf(skip)("a role dropped while connected never runs as another role", async () => {
    await backend.createRole("main", "temp");
    const temp = await as("temp");
    expect(await whoami(temp)).toEqual({ cu: "temp", su: "temp" });
    await backend.dropRole("main", "temp");
    const after = await temp.query("select current_user").catch((e: { code?: string; message: string }) => e);
    // system: the server's own answer for a session whose role is gone; pglite: FATAL, and the connection closes.
    if (engine === "system") expect(after).toMatchObject({ code: "42704", message: expect.stringMatching(/^invalid role OID/) });
    else expect(after).toMatchObject({ code: "28000", message: 'role "temp" does not exist' });
  });

  it.skipIf(skip)("a fork keeps the roles: the same identities log in on the child branch", async () => {
    await backend.forkBranch("main", "child");
    const child = await backend.openEndpoint("child", { authenticate: (_user, password) => password === GOOD });
    try {
      const bob = await connect({ host: child.host, port: child.port, user: "bob@example.com", password: GOOD, database: "databricks_postgres" });
      opened.push(bob);
      expect(await whoami(bob)).toEqual({ cu: "bob@example.com", su: "bob@example.com" });
      expect(await bodies(bob)).toEqual(["b1", "b2"]);
    } finally {
      await child.close();
      await backend.dropBranch("child");
    }
  });
});

async function serviceToken(emulator: Emulator): Promise<string> {
  const response = await fetch(`${emulator.host}/oidc/v1/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: emulator.servicePrincipal.clientId, client_secret: emulator.servicePrincipal.clientSecret, scope: "all-apis" }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

describe.each(ENGINES)("emulator, %s engine: identities through the API", (engine) => {
  const skip = engine === "system" && !systemAvailable;
  const P = "projects/rls";
  const PROD = `${P}/branches/production`;
  const EP = `${PROD}/endpoints/primary`;
  let emulator: Emulator;
  let owner: LakebaseClient; // the user (PAT): created the project, so its role exists
  let sp: LakebaseClient; // the service principal (OAuth client credentials): needs a role
  let host: string;
  let port: number;
  const opened: pg.Client[] = [];
  const login = async (client: LakebaseClient, user: string, database: string) => ({
    host,
    port,
    user,
    database,
    password: (await client.credentials.generate({ endpoint: EP, ttl: "600s" })).token!,
  });
  const as = async (client: LakebaseClient, user: string, database = "databricks_postgres") => {
    const c = await connect(await login(client, user, database));
    opened.push(c);
    return c;
  };

  beforeAll(async () => {
    if (skip) return;
    emulator = await startEmulator({ engine, operationLatencyMs: 20, autoSuspend: false });
    owner = createLakebaseClient({ host: emulator.host, auth: emulator.token, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
    sp = createLakebaseClient({ host: emulator.host, auth: await serviceToken(emulator), retry: { baseDelayMs: 5, maxDelayMs: 20 } });
    await owner.projects.create("rls", { spec: { display_name: "RLS" } }).wait(FAST);
    [host, port] = ((await owner.endpoints.get(EP)).status!.hosts!.host!.split(":") as [string, string]).map((v, i) => (i === 1 ? Number(v) : v)) as [string, number];
  }, 60_000);

  afterAll(async () => {
    await Promise.all(opened.map((c) => c.end().catch(() => {})));
    await emulator?.stop();
  }, 30_000);

  it.skipIf(skip)("the project owner logs in as its own role, which exists from creation", async () => {
    const c = await as(owner, emulator.userName);
    expect(await whoami(c)).toEqual({ cu: emulator.userName, su: emulator.userName });
    const { rows } = await emulator.query(PROD, "databricks_postgres", "select rolcanlogin, rolcreatedb, rolcreaterole from pg_roles where rolname = $1", [emulator.userName]);
    expect(rows).toEqual([{ rolcanlogin: true, rolcreatedb: true, rolcreaterole: true }]);
  });

  it.skipIf(skip)("the project owner owns databricks_postgres (member of databricks_superuser) and creates tables there", async () => {
    const c = await as(owner, emulator.userName);
    await c.query("create table owner_made (id int)");
    const { rows } = await emulator.query(
      PROD,
      "databricks_postgres",
      "select pg_get_userbyid(d.datdba) as dbowner, t.tableowner, pg_has_role($1, 'databricks_superuser', 'MEMBER') as superuser_member from pg_database d, pg_tables t where d.datname = current_database() and t.tablename = 'owner_made'",
      [emulator.userName],
    );
    expect(rows).toEqual([{ dbowner: emulator.userName, tableowner: emulator.userName, superuser_member: true }]);
  });

  it.skipIf(skip)("the service principal: refused without a role, NO_LOGIN refused, then sees only its rows under row-level security", async () => {
    const spName = emulator.servicePrincipal.clientId;
    // The owner's database (Databases API, owned by the owner's role) with a row-level policy.
    await owner.databases.create(PROD, "notes", { spec: { postgres_database: "notes", role: `${PROD}/roles/owner` } }).wait(FAST);
    const mine = await as(owner, emulator.userName, "notes");
    await mine.query(`create table notes (owner text not null default current_user, body text not null);
      alter table notes enable row level security;
      create policy own_rows on notes using (owner = current_user) with check (owner = current_user)`);

    // No role yet: the token is checked first (28P01 for a bad one), then the role (28000).
    expect(await refusal({ ...(await login(sp, spName, "notes")), password: "lbpw_wrong" })).toMatchObject({ code: "28P01" });
    expect(await refusal(await login(sp, spName, "notes"))).toMatchObject({ severity: "FATAL", code: "28000", message: `role "${spName}" does not exist` });

    // A role that cannot log in (auth_method NO_LOGIN), then one that can.
    const role = `${PROD}/roles/${spName}`;
    await owner.roles.create(PROD, spName, { spec: { postgres_role: spName, identity_type: "SERVICE_PRINCIPAL", auth_method: "NO_LOGIN" } }).wait(FAST);
    expect(await refusal(await login(sp, spName, "notes"))).toMatchObject({ code: "28000", message: `role "${spName}" is not permitted to log in` });
    const updated = await owner.roles.update(role, { spec: { auth_method: "LAKEBASE_OAUTH_V1" } }, { update_mask: ["spec.auth_method"] }).wait(FAST);
    expect(updated.status?.auth_method).toBe("LAKEBASE_OAUTH_V1");

    await mine.query(`grant select, insert on notes to "${spName}"`);
    await mine.query(`insert into notes values ('${emulator.userName}', 'owner 1'), ('${emulator.userName}', 'owner 2'), ('${spName}', 'sp 1')`);
    const theirs = await as(sp, spName, "notes");
    expect(await whoami(theirs)).toEqual({ cu: spName, su: spName });
    expect(await bodies(theirs)).toEqual(["sp 1"]);
    await theirs.query("insert into notes (body) values ('sp 2')");
    await expect(theirs.query(`insert into notes values ('${emulator.userName}', 'forged')`)).rejects.toMatchObject({ code: "42501" });
    expect(await bodies(theirs)).toEqual(["sp 1", "sp 2"]);
    // The owner owns the table, so the policy does not apply to it: it sees every row.
    expect(await bodies(mine)).toEqual(["owner 1", "owner 2", "sp 1", "sp 2"]);
    // The user's credential is not the service principal's: its token names another identity.
    expect(await refusal(await login(owner, spName, "notes"))).toMatchObject({ code: "28P01" });
    await theirs.end();

    // DeleteRole drops the Postgres role (its privileges go with it): the identity is refused again.
    await owner.roles.delete(role).wait(FAST);
    expect(await refusal(await login(sp, spName, "notes"))).toMatchObject({ code: "28000", message: `role "${spName}" does not exist` });
  });

  it.skipIf(skip)("Roles API roles are Postgres roles with their attributes, login and memberships", async () => {
    const facts = async (name: string) =>
      (
        await emulator.query(
          PROD,
          "databricks_postgres",
          `select rolcanlogin, rolcreatedb, rolcreaterole, rolbypassrls,
                  exists (select 1 from pg_auth_members m join pg_roles g on g.oid = m.roleid where g.rolname = 'databricks_superuser' and m.member = r.oid) as superuser_member
             from pg_roles r where rolname = $1`,
          [name],
        )
      ).rows;
    await owner.roles.create(PROD, "reporting", { spec: { postgres_role: "reporting", attributes: { createdb: true, bypassrls: true }, membership_roles: ["DATABRICKS_SUPERUSER"] } }).wait(FAST);
    expect(await facts("reporting")).toEqual([{ rolcanlogin: true, rolcreatedb: true, rolcreaterole: false, rolbypassrls: true, superuser_member: true }]);
    await owner.roles
      .update(`${PROD}/roles/reporting`, { spec: { attributes: { createdb: false }, membership_roles: [] } }, { update_mask: ["spec.attributes.createdb", "spec.membership_roles"] })
      .wait(FAST);
    expect(await facts("reporting")).toEqual([{ rolcanlogin: true, rolcreatedb: false, rolcreaterole: false, rolbypassrls: true, superuser_member: false }]);
    await owner.roles.create(PROD, "owner-only", { spec: { postgres_role: "owner_only", auth_method: "NO_LOGIN" } }).wait(FAST);
    expect(await facts("owner_only")).toEqual([{ rolcanlogin: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false, superuser_member: false }]);

    // databricks_superuser itself, as the service describes it.
    const superuser = await emulator.query(
      PROD,
      "databricks_postgres",
      "select rolcanlogin, rolcreatedb, rolcreaterole, rolbypassrls, pg_has_role('databricks_superuser', 'pg_read_all_data', 'MEMBER') as reads, pg_has_role('databricks_superuser', 'pg_write_all_data', 'MEMBER') as writes from pg_roles where rolname = 'databricks_superuser'",
    );
    expect(superuser.rows).toEqual([{ rolcanlogin: false, rolcreatedb: true, rolcreaterole: true, rolbypassrls: true, reads: true, writes: true }]);

    await owner.roles.delete(`${PROD}/roles/reporting`).wait(FAST);
    await owner.roles.delete(`${PROD}/roles/owner-only`).wait(FAST);
    expect(await facts("reporting")).toEqual([]);
    expect(await facts("owner_only")).toEqual([]);
  });

  it.skipIf(skip)("DeleteRole with reassign_owned_to hands the role's objects to that role", async () => {
    await owner.roles.create(PROD, "builder", { spec: { postgres_role: "builder" } }).wait(FAST);
    await owner.roles.create(PROD, "heir", { spec: { postgres_role: "heir" } }).wait(FAST);
    await emulator.query(PROD, "notes", 'grant create on schema public to builder; set role builder; create table built (x int); reset role');
    await owner.roles.delete(`${PROD}/roles/builder`, { reassign_owned_to: "heir" }).wait(FAST);
    const { rows } = await emulator.query(PROD, "notes", "select tableowner from pg_tables where tablename = 'built'");
    expect(rows).toEqual([{ tableowner: "heir" }]);
  });
});
