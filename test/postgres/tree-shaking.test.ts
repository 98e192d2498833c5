// The connection features AppKit users expect (Apps pools, per-user pools, tool configs) stay out of
// a bundle that only calls createPool with a client: pinned here, measured by
// test/budgets/bundle-budgets.mjs (entry (c)). Bundled from src with esbuild, as a user's bundler would.
import { describe, expect, it } from "vitest";
import { bundleSource, src } from "../fixtures/bundle-source.js";

const bundle = (contents: string) => bundleSource(contents, "node");

describe("what a createPool bundle leaves out", () => {
  it("no Apps client (OAuth M2M), no default credential chain, no per-user pools, no tool configs, no lazy pool", async () => {
    const code = await bundle(`
      import { createCoreClient } from ${src("index.ts")};
      import { createPool } from ${src("postgres/index.ts")};
      export const pool = createPool({ client: createCoreClient({ host: "https://h.example.com", auth: "t" }), project: "p" });
    `);
    // The Apps form is loaded at run time under the package's own name, never bundled.
    expect(code).toContain('"lakebase-sdk/postgres"');
    for (const absent of ["DATABRICKS_CLIENT_SECRET", "client_credentials", "x-forwarded-access-token", "beforeConnect", "PGSSLROOTCERT", ".databrickscfg", "not resolved yet", "SecretConnectionUrl", "sha256", "sslmode="]) {
      expect(code, absent).not.toContain(absent);
    }
  });

  it("each feature brings its own code when used", async () => {
    const code = await bundle(`
      import { createLakebasePool, createUserPools, getOrmConfig } from ${src("postgres/index.ts")};
      export const used = [createLakebasePool, createUserPools, getOrmConfig];
    `);
    for (const present of ["DATABRICKS_CLIENT_SECRET", ".databrickscfg", "x-forwarded-access-token", "beforeConnect", "PGSSLROOTCERT", "sha256"]) expect(code, present).toContain(present);
  });
});
