/**
 * What a bundler can leave out (test/budgets/bundle-budgets.mjs measures the sizes; this pins the
 * causes): unused error classes, the update tables, the `names` object, and the operations a
 * pool on the core client never calls. Bundled from src with esbuild, minified, as a user's
 * bundler would.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bundleSource as bundle, src } from "./fixtures/bundle-source.js";

const dir = mkdtempSync(join(tmpdir(), "lakebase-tree-shaking-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tree shaking", () => {
  it("an unused error class is dropped; a used one keeps its name through minification", async () => {
    const code = await bundle(`
      import { ValidationError } from ${src("ops/errors.ts")};
      import { WaitTimeoutError } from ${src("ops/lro/errors.ts")};
      const a = new ValidationError("f", "r");
      const b = new WaitTimeoutError("m", "r", 1, 1);
      export const out = [a.name, b.name, String(b), Object.keys(a).includes("name"), a instanceof ValidationError];
    `);
    for (const unused of ["OperationTimeoutError", "PaginationLoopError", "NotFoundError", "NetworkError", "RequestTimeoutError"]) expect(code).not.toContain(unused);
    const file = join(dir, "errors.mjs");
    writeFileSync(file, code);
    const { out } = (await import(pathToFileURL(file).href)) as { out: unknown[] };
    expect(out).toEqual(["ValidationError", "WaitTimeoutError", "WaitTimeoutError: m", false, true]);
  });

  it("listing with the core client carries no update table, no names object, no wait errors", async () => {
    const code = await bundle(`
      import { createCoreClient, listBranches } from ${src("index.ts")};
      const lakebase = createCoreClient({ host: "https://h.example.com", auth: "t" });
      export const list = listBranches(lakebase, "projects/p");
    `);
    for (const absent of ["UpdateProject", "UpdateBranch", "updateMask:{", "templates:", "OperationTimeoutError", "WaitTimeoutError"]) expect(code).not.toContain(absent);
    expect(code).toContain("ListBranches");
  });

  it("a pool on the core client carries only the operations it calls", async () => {
    const code = await bundle(
      `
      import { createCoreClient } from ${src("index.ts")};
      import { createPool } from ${src("postgres/index.ts")};
      export const pool = createPool({ client: createCoreClient({ host: "https://h.example.com", auth: "t" }), project: "p" });
    `,
      "node",
    );
    for (const op of ["GetProject", "ListEndpoints", "GetEndpoint", "GenerateDatabaseCredential"]) expect(code).toContain(`"${op}"`);
    for (const op of ["CreateBranch", "DeleteProject", "ListProjects", "UpdateEndpoint"]) expect(code).not.toContain(`"${op}"`);
  });
});
