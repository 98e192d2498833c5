// Per-user pools (on-behalf-of): each user's forwarded token gets a pool connecting as that user's
// role, so row-level security applies per user. Two workspace users (alice and bob, OAuth tokens
// from `emulator.userToken`, as Apps forward them), and the emulator's own user (its PAT) and
// service principal (an OAuth token) as two more identities.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserPools, FORWARDED_TOKEN_HEADER, type UserPools } from "../../src/postgres/index.js";
import { createServicePrincipalRole, FAST, servicePrincipalToken, startWithProject, type Setup } from "./emulator-setup.js";

let setup: Setup;
let spName: string;
const opened: UserPools[] = [];
const userPools = (options: Parameters<typeof createUserPools>[0] = {}) => {
  const pools = createUserPools({ host: setup.emulator.host, endpoint: setup.endpoint, env: {}, ...options });
  opened.push(pools);
  return pools;
};
const bodies = async (pool: { query(sql: string): Promise<{ rows: { body: string }[] }> }) => (await pool.query("select body from notes order by body")).rows.map((r) => r.body);

const ALICE = "alice@example.com";
const BOB = "bob@example.com";

beforeAll(async () => {
  setup = await startWithProject("obo");
  spName = await createServicePrincipalRole(setup);
  for (const user of [ALICE, BOB]) await setup.owner.roles.create(setup.branch, user.split("@")[0]!, { spec: { postgres_role: user, identity_type: "USER" } }).wait(FAST);
  // A table no user owns (the emulator's superuser made it), so the policy applies to both users.
  await setup.emulator.query(
    setup.branch,
    "databricks_postgres",
    `create table notes (owner text not null default current_user, body text not null);
     alter table notes enable row level security;
     create policy own_rows on notes using (owner = current_user) with check (owner = current_user);
     grant select, insert on notes to "${setup.emulator.userName}", "${spName}", "${ALICE}", "${BOB}";
     insert into notes values ('${setup.emulator.userName}', 'user 1'), ('${setup.emulator.userName}', 'user 2'), ('${spName}', 'sp 1'),
       ('${ALICE}', 'alice 1'), ('${BOB}', 'bob 1'), ('${BOB}', 'bob 2')`,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(opened.map((p) => p.end()));
  await setup?.emulator.stop();
}, 30_000);

describe("createUserPools", () => {
  it("two workspace users, each through their forwarded token, see only their own rows under row-level security", async () => {
    const pools = userPools();
    const alice = await pools.asUser({ headers: { [FORWARDED_TOKEN_HEADER]: setup.emulator.userToken(ALICE) } });
    const bob = await pools.asUser(new Request("http://app.local/notes", { headers: { [FORWARDED_TOKEN_HEADER]: setup.emulator.userToken(BOB) } }));
    expect([alice.lakebase.user, bob.lakebase.user]).toEqual([ALICE, BOB]);
    expect((await alice.query("select current_user as u")).rows[0].u).toBe(ALICE);
    expect((await bob.query("select current_user as u")).rows[0].u).toBe(BOB);
    expect(await bodies(alice)).toEqual(["alice 1"]);
    expect(await bodies(bob)).toEqual(["bob 1", "bob 2"]);
    await expect(alice.query(`insert into notes values ('${BOB}', 'forged')`)).rejects.toMatchObject({ code: "42501" });
    // A user's next token (tokens are refreshed) is the same user: the pool is replaced, not added.
    const aliceAgain = await pools.forUser(setup.emulator.userToken(ALICE));
    expect(aliceAgain).not.toBe(alice);
    expect(await bodies(aliceAgain)).toEqual(["alice 1"]);
    expect(pools.size).toBe(2);
  });

  it("two users' pools connect as their own roles and see only their own rows under row-level security", async () => {
    const pools = userPools();
    const userPool = await pools.forUser(setup.emulator.token);
    const spPool = await pools.forUser(await servicePrincipalToken(setup.emulator));
    expect(userPool.lakebase.user).toBe(setup.emulator.userName);
    expect(spPool.lakebase.user).toBe(spName);
    expect((await userPool.query("select current_user as u")).rows[0].u).toBe(setup.emulator.userName);
    expect((await spPool.query("select current_user as u")).rows[0].u).toBe(spName);
    expect(await bodies(userPool)).toEqual(["user 1", "user 2"]);
    expect(await bodies(spPool)).toEqual(["sp 1"]);
    // Writes go through the policy's check as the user: a row for someone else is refused.
    await spPool.query("insert into notes (body) values ('sp 2')");
    await expect(spPool.query(`insert into notes values ('${setup.emulator.userName}', 'forged')`)).rejects.toMatchObject({ code: "42501" });
    expect(await bodies(spPool)).toEqual(["sp 1", "sp 2"]);
    expect(await bodies(userPool)).toEqual(["user 1", "user 2"]);
    expect(pools.size).toBe(2);
  });

  it("the same token gets the same pool; concurrent first calls share one", async () => {
    const pools = userPools();
    const [a, b] = await Promise.all([pools.forUser(setup.emulator.token), pools.forUser(setup.emulator.token)]);
    expect(a).toBe(b);
    expect(await pools.forUser(setup.emulator.token)).toBe(a);
    expect(pools.size).toBe(1);
  });

  it("asUser reads x-forwarded-access-token from Node-style headers and from fetch Headers", async () => {
    const pools = userPools();
    const fromNode = await pools.asUser({ headers: { [FORWARDED_TOKEN_HEADER]: setup.emulator.token, "x-forwarded-email": setup.emulator.userName } });
    const fromFetch = await pools.asUser(new Request("http://app.local/", { headers: { "X-Forwarded-Access-Token": setup.emulator.token } }));
    expect(fromFetch).toBe(fromNode);
    expect((await fromNode.query("select current_user as u")).rows[0].u).toBe(setup.emulator.userName);
    await expect(pools.asUser({ headers: {} })).rejects.toThrow(/no x-forwarded-access-token header/);
  });

  it("a user's new token replaces the pool of the old one, which is ended", async () => {
    const pools = userPools();
    const first = await pools.forUser(await servicePrincipalToken(setup.emulator));
    await first.query("select 1");
    const second = await pools.forUser(await servicePrincipalToken(setup.emulator));
    expect(second).not.toBe(first);
    expect(pools.size).toBe(1);
    await expect.poll(() => first.ended).toBe(true);
    expect((await second.query("select current_user as u")).rows[0].u).toBe(spName);
  });

  it("holds at most maxPools pools, ending the least recently used", async () => {
    const pools = userPools({ maxPools: 1 });
    const userPool = await pools.forUser(setup.emulator.token);
    const spPool = await pools.forUser(await servicePrincipalToken(setup.emulator));
    expect(pools.size).toBe(1);
    await expect.poll(() => userPool.ended).toBe(true);
    expect(spPool.ended).toBe(false);
    const again = await pools.forUser(setup.emulator.token);
    expect(again).not.toBe(userPool);
    expect((await again.query("select 1 as ok")).rows[0].ok).toBe(1);
  });

  it("ends a pool unused for idleMs, but not while a connection is checked out", async () => {
    const pools = userPools({ idleMs: 150 });
    const pool = await pools.forUser(setup.emulator.token);
    const held = await pool.connect();
    await new Promise((r) => setTimeout(r, 400));
    expect(pool.ended).toBe(false); // busy: a connection is out
    held.release();
    await expect.poll(() => pool.ended, { timeout: 2_000 }).toBe(true);
    expect(pools.size).toBe(0);
    const fresh = await pools.forUser(setup.emulator.token);
    expect(fresh).not.toBe(pool);
  });

  it("end() ends every pool and refuses new ones", async () => {
    const pools = userPools();
    const a = await pools.forUser(setup.emulator.token);
    const b = await pools.forUser(await servicePrincipalToken(setup.emulator));
    await Promise.all([a.query("select 1"), b.query("select 1")]);
    await pools.end();
    expect([a.ended, b.ended, pools.size]).toEqual([true, true, 0]);
    await expect(pools.forUser(setup.emulator.token)).rejects.toThrow(/ended/);
  });

  it("never keeps or shows a token: keys are fingerprints, errors do not quote the token", async () => {
    const pools = userPools();
    const token = await servicePrincipalToken(setup.emulator);
    await pools.forUser(token);
    expect(inspect(pools, { showHidden: true, depth: 6 })).not.toContain(token);
    const bogus = "dapi-not-a-real-token-0123456789";
    const error = (await pools.forUser(bogus).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(`${error.message} ${error.stack} ${inspect(error)}`).not.toContain(bogus);
    expect(pools.size).toBe(1); // the failed one is forgotten: the next call tries again
  });
});
