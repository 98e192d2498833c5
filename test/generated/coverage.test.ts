import { describe, expect, it } from "vitest";
import * as functions from "../../src/generated/functions.js";
import { operations, type OperationId } from "../../src/generated/operations.js";
import { handlerFor, handlerName, route } from "../../src/emulator/router.js";
import { apiCases } from "../fixtures/api-cases.js";

/*
 * Adding an operation to the spec is done when it is served end to end: codegen gives it a
 * function, a handler module of the emulator serves it, and the wire-case table pins its request.
 * This test lists every operation of the generated table that misses one of the three.
 */

/** A concrete path for an operation's template, as a client would send it. */
function samplePath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, param: string) => (param === "operation_name" ? "projects/p/operations/AbC+/x=" : "x"));
}

interface Gap {
  readonly id: string;
  readonly missing: readonly string[];
}

function gaps(table: Record<string, { readonly method: string; readonly path: string }>): Gap[] {
  const exported = functions as unknown as Record<string, unknown>;
  const cased = new Set<string>(apiCases.map((c) => c.operationId));
  const out: Gap[] = [];
  for (const [id, op] of Object.entries(table)) {
    const missing: string[] = [];
    if (typeof exported[handlerName(id)] !== "function") missing.push(`generated function ${handlerName(id)}`);
    const routed = route(op.method, samplePath(op.path));
    if (routed?.id !== id) missing.push(`emulator route (${op.method} ${samplePath(op.path)} goes to ${routed?.id ?? "nothing"})`);
    if (!handlerFor(id as OperationId)) missing.push(`emulator handler (no module of src/emulator/handlers exports ${handlerName(id)})`);
    if (!cased.has(id)) missing.push("wire case in test/fixtures/api-cases.ts");
    if (missing.length > 0) out.push({ id, missing });
  }
  return out;
}

describe("every operation of the spec is covered", () => {
  it("by a generated function, an emulator route and handler, and a wire case", () => {
    expect(gaps(operations)).toEqual([]);
  });

  it("the check itself reports an operation nothing covers", () => {
    const table = { ...operations, CreateWidget: { method: "POST", path: "/api/2.0/postgres/widgets" } };
    expect(gaps(table)).toEqual([
      {
        id: "CreateWidget",
        missing: [
          "generated function createWidget",
          "emulator route (POST /api/2.0/postgres/widgets goes to nothing)",
          "emulator handler (no module of src/emulator/handlers exports createWidget)",
          "wire case in test/fixtures/api-cases.ts",
        ],
      },
    ]);
  });

  it("every wire case names an operation of the spec", () => {
    expect(apiCases.map((c) => c.operationId).filter((id) => !(id in operations))).toEqual([]);
  });
});
