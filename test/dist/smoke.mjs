// Smoke test of the built package, as a user installs it: ESM import, CommonJS require, the
// `lakebase-sdk/schemas` subpath, and one real HTTP exchange on loopback through each build.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const esm = await import("lakebase-sdk");
const cjs = require("lakebase-sdk");
const schemasEsm = await import("lakebase-sdk/schemas");
const schemasCjs = require("lakebase-sdk/schemas");

const seen = [];
const server = createServer((req, res) => {
  seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify({ name: "projects/p", status: { pg_version: 17 } }));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const host = `http://127.0.0.1:${server.address().port}`;

try {
  for (const [label, sdk] of [["esm", esm], ["cjs", cjs]]) {
    assert.equal(typeof sdk.createLakebaseClient, "function", `${label}: createLakebaseClient`);
    const client = sdk.createLakebaseClient({ host, auth: "t0ken", validateResponses: true });
    const project = await client.projects.get("projects/p");
    assert.equal(project.status.pg_version, 17, `${label}: decoded result`);
    const error = await client.branches.get("projects/p/branches/NOPE").catch((e) => e);
    assert.ok(error instanceof sdk.ValidationError, `${label}: ValidationError class`);
  }
  for (const [label, mod] of [["esm", schemasEsm], ["cjs", schemasCjs]]) {
    assert.ok(mod.schemas.Branch.safeParse({ name: "projects/p/branches/b" }).success, `${label}: schemas subpath`);
  }
  assert.equal(seen.length, 2);
  assert.equal(seen[0], "GET /api/2.0/postgres/projects/p Bearer t0ken");
  console.log("dist smoke: 2 passed, 0 failed (esm, cjs; schemas subpath in both)");
} finally {
  server.close();
}
