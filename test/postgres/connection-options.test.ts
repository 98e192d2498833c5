// Connection options beyond the rotating credential: TypeORM/Sequelize flat configs, a URL that
// never prints its password, native Postgres login with a static password, and credential scoping
// (claims, group_name) sent with every credential request.
import { inspect } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCoreClient, type LakebaseClient } from "../../src/index.js";
import { createPool, databaseCredentialProvider, getOrmConfig } from "../../src/postgres/index.js";
import { FAST, startWithProject, type Setup } from "./emulator-setup.js";

let setup: Setup;
let client: LakebaseClient;

beforeAll(async () => {
  setup = await startWithProject("options");
  client = setup.owner;
}, 60_000);

afterAll(async () => {
  await setup?.emulator.stop();
}, 30_000);

async function connectAs(config: pg.ClientConfig): Promise<string> {
  const direct = new pg.Client(config);
  await direct.connect();
  try {
    return (await direct.query("select current_user as u")).rows[0].u;
  } finally {
    await direct.end();
  }
}

describe("flat configs (TypeORM, Sequelize)", () => {
  it("flat and typeorm carry host, port, username, a password function, database and ssl; pg connects with them", async () => {
    const pool = await createPool({ client, endpoint: setup.endpoint, env: {} });
    try {
      const orm = getOrmConfig(pool);
      expect(orm.flat).toMatchObject({ host: setup.host, port: setup.port, username: setup.emulator.userName, database: "databricks_postgres", ssl: false });
      expect(typeof orm.flat.password).toBe("function");
      expect(orm.typeorm).toMatchObject({ type: "postgres", ...orm.flat });
      const { username, ...rest } = orm.typeorm;
      expect(await connectAs({ ...rest, user: username })).toBe(setup.emulator.userName);
      // The same credential cache as the pool: no second request.
      await pool.query("select 1");
      expect(pool.lakebase.credentials.requests).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it("flatWithPassword gives the current credential as a string", async () => {
    const pool = await createPool({ client, endpoint: setup.endpoint, env: {} });
    try {
      const values = await getOrmConfig(pool).flatWithPassword();
      expect(typeof values.password).toBe("string");
      expect(await connectAs({ host: values.host, port: values.port, user: values.username, password: values.password, database: values.database, ssl: values.ssl })).toBe(setup.emulator.userName);
    } finally {
      await pool.end();
    }
  });

  it("sequelize: dialect postgres, ssl in dialectOptions, and a beforeConnect hook that sets a fresh password", async () => {
    const pool = await createPool({ client, endpoint: setup.endpoint, env: {}, ssl: { rejectUnauthorized: true, ca: setup.emulator.caCertificate } });
    try {
      const { sequelize } = getOrmConfig(pool);
      expect(sequelize).toMatchObject({ dialect: "postgres", host: setup.host, port: setup.port, username: setup.emulator.userName, database: "databricks_postgres" });
      expect(sequelize.dialectOptions.ssl).toEqual({ rejectUnauthorized: true, ca: setup.emulator.caCertificate });
      expect(sequelize).not.toHaveProperty("password");
      const connection: { password?: string } = {};
      await sequelize.hooks.beforeConnect(connection); // what Sequelize calls before each new connection
      expect(await connectAs({ host: sequelize.host, port: sequelize.port, user: sequelize.username, password: connection.password, database: sequelize.database, ssl: sequelize.dialectOptions.ssl })).toBe(setup.emulator.userName);
    } finally {
      await pool.end();
    }
  });
});

describe("connectionUrl(): a URL with a fresh credential that never prints it", () => {
  it("every printed form hides the password; reveal() connects", async () => {
    const pool = await createPool({ client, endpoint: setup.endpoint, env: {} });
    try {
      const url = await getOrmConfig(pool).connectionUrl();
      expect(inspect(url)).toMatch(/^SecretConnectionUrl\(postgresql:\/\/.+:\*\*\*@/);
      const password = decodeURIComponent(new URL(url.reveal()).password);
      expect(password.length).toBeGreaterThan(10);
      const printed = [String(url), `${url}`, JSON.stringify({ url }), inspect(url), inspect(url, { showHidden: true, depth: 5 }), url.redacted, Object.keys(url).join()];
      for (const form of printed) expect(form).not.toContain(password);
      expect(String(url)).toBe(`postgresql://${encodeURIComponent(setup.emulator.userName)}:***@${setup.host}:${setup.port}/databricks_postgres?sslmode=disable`);
      expect(await connectAs({ connectionString: url.reveal() })).toBe(setup.emulator.userName);
    } finally {
      await pool.end();
    }
  });

  it("asks for sslrootcert before minting when the pool verifies a custom CA", async () => {
    const pool = await createPool({ client, endpoint: setup.endpoint, env: {}, ssl: { rejectUnauthorized: true, ca: setup.emulator.caCertificate } });
    try {
      const orm = getOrmConfig(pool);
      await expect(orm.connectionUrl()).rejects.toMatchObject({ name: "ValidationError", field: "sslrootcert" });
      expect(pool.lakebase.credentials.requests).toBe(0);
      const url = await orm.connectionUrl({ sslrootcert: setup.emulator.caCertificatePath });
      expect(String(url)).toContain(":***@");
      expect(String(url)).toContain("sslmode=verify-full&sslrootcert=");
      expect(await connectAs({ connectionString: url.reveal() })).toBe(setup.emulator.userName);
    } finally {
      await pool.end();
    }
  });
});

describe("native Postgres login: a static password", () => {
  it("uses the given user and password as they are and never mints a credential", async () => {
    // The emulator's endpoints accept only credentials it issued, so the "native" password here is
    // one minted beforehand: what the pool does with it is the same as with a role's real password.
    const password = (await client.credentials.generate({ endpoint: setup.endpoint, ttl: "600s" })).token!;
    const pool = await createPool({ client, endpoint: setup.endpoint, env: {}, user: setup.emulator.userName, password });
    try {
      expect((await pool.query("select current_user as u")).rows[0].u).toBe(setup.emulator.userName);
      await Promise.all([pool.connect(), pool.connect()]).then((cs) => cs.forEach((c) => c.release()));
      expect(pool.lakebase.credentials.requests).toBe(0);
      expect(inspect(pool, { showHidden: true, depth: 4 })).not.toContain(password);
    } finally {
      await pool.end();
    }
  });

  it("a wrong static password fails with 28P01, naming neither it nor retrying a mint", async () => {
    const password = "not-the-password-0123456789";
    const pool = await createPool({ client, endpoint: setup.endpoint, env: {}, user: setup.emulator.userName, password });
    try {
      const error = (await pool.query("select 1").catch((e: unknown) => e)) as Error & { code?: string };
      expect(error.code).toBe("28P01");
      expect(`${error.message} ${error.stack}`).not.toContain(password);
      expect(pool.lakebase.credentials.requests).toBe(0);
    } finally {
      await pool.end();
    }
  });
});

describe("credential scoping: claims and group_name", () => {
  const claims = [{ permission_set: "READ_ONLY", resources: [{ table_name: "main.sales.orders" }] }];

  /** A core client on the emulator that records the body of every credential request. */
  function recordingClient(): { client: ReturnType<typeof createCoreClient>; bodies: Record<string, unknown>[] } {
    const bodies: Record<string, unknown>[] = [];
    const client = createCoreClient({
      host: setup.emulator.host,
      auth: setup.emulator.token,
      fetch: async (request: Request) => {
        if (request.url.endsWith("/api/2.0/postgres/credentials")) bodies.push(await request.clone().json());
        return fetch(request);
      },
    });
    return { client, bodies };
  }

  it("the credential provider sends claims and group_name with endpoint and ttl", async () => {
    const { client: recording, bodies } = recordingClient();
    const provider = databaseCredentialProvider({ client: recording, endpoint: setup.endpoint, ttl: "600s", claims, groupName: "analysts" });
    expect(typeof (await provider.getPassword())).toBe("string");
    expect(bodies).toEqual([{ endpoint: setup.endpoint, ttl: "600s", claims, group_name: "analysts" }]);
  });

  it("a pool passes claims on every credential it mints, and sends neither field when not asked", async () => {
    const { client: recording, bodies } = recordingClient();
    const pool = await createPool({ client: recording, endpoint: setup.endpoint, env: {}, claims });
    try {
      expect((await pool.query("select current_user as u")).rows[0].u).toBe(setup.emulator.userName);
    } finally {
      await pool.end();
    }
    const plain = await createPool({ client: recording, endpoint: setup.endpoint, env: {} });
    try {
      await plain.query("select 1");
    } finally {
      await plain.end();
    }
    expect(bodies).toEqual([
      { endpoint: setup.endpoint, ttl: "3600s", claims },
      { endpoint: setup.endpoint, ttl: "3600s" },
    ]);
  });

  it("with groupName the pool connects as the group's role and asks for credentials scoped to it", async () => {
    // The group's Postgres role, as the Roles API makes one for a workspace group.
    await client.roles.create(setup.branch, "analysts", { spec: { postgres_role: "analysts", identity_type: "GROUP" } }).wait(FAST);
    const { client: recording, bodies } = recordingClient();
    const pool = await createPool({ client: recording, endpoint: setup.endpoint, env: { PGUSER: "app-sp" }, groupName: "analysts" });
    try {
      expect(pool.lakebase.user).toBe("analysts");
      expect(pool.lakebase.sources.user).toBe("option groupName");
      // The emulator logs a group-scoped credential in as the group's role, and nobody else.
      expect((await pool.query("select current_user as u")).rows[0].u).toBe("analysts");
      expect(bodies).toEqual([{ endpoint: setup.endpoint, ttl: "3600s", group_name: "analysts" }]);
      const scoped = await pool.lakebase.password();
      await expect(connectAs({ host: setup.host, port: setup.port, user: setup.emulator.userName, password: scoped, database: "databricks_postgres" })).rejects.toThrow(/password authentication failed|authentication/);
    } finally {
      await pool.end();
    }
  });
});
