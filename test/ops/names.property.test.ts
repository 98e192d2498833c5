import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { names, ValidationError, type ResourceKind } from "../../src/index.js";
import { formatName, NAME_TEMPLATES, parseName } from "../../src/ops/names.js";
import { validateId } from "../../src/ops/ids.js";
import { ID_PATTERNS } from "../../src/generated/operations.js";

const lower = "abcdefghijklmnopqrstuvwxyz";
const resourceId = fc
  .tuple(fc.constantFrom(...lower), fc.stringMatching(/^[a-z0-9-]{0,62}$/))
  .map(([head, tail]) => head + tail);
const databaseId = fc.stringMatching(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/);
const cdfId = fc.stringMatching(/^[a-z][a-z0-9_]{0,62}$/);
// "." and ".." would be path segments, not ids: refused (test/bad-input/ids.test.ts).
const free = fc.stringMatching(/^[A-Za-z0-9_@.+-]{1,40}$/).filter((s) => s !== "." && s !== "..");
const ucName = fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/);

const ARBITRARY_ID: Record<string, fc.Arbitrary<string>> = {
  project_id: resourceId,
  branch_id: resourceId,
  endpoint_id: resourceId,
  database_id: databaseId,
  role_id: free,
  cdf_config_id: cdfId,
  cdf_status_id: free,
  catalog_id: free,
  synced_table_id: fc.tuple(ucName, ucName, ucName).map((parts) => parts.join(".")),
};

function idsOf(template: string): string[] {
  return [...template.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
}

describe("resource names: build and parse round-trip", () => {
  for (const [kind, template] of Object.entries(NAME_TEMPLATES) as [ResourceKind, string][]) {
    it(`${kind}: parse(format(ids)) === ids, and kindOf finds the kind`, () => {
      const ids = idsOf(template);
      fc.assert(
        // An id with no rule of its own in src/ops/ids.ts follows the spec's pattern, else any safe segment.
        fc.property(fc.tuple(...ids.map((id) => ARBITRARY_ID[id] ?? (ID_PATTERNS[id] ? fc.stringMatching(new RegExp(ID_PATTERNS[id])) : free))), (values) => {
          const parts = Object.fromEntries(ids.map((id, i) => [id, values[i]!]));
          const name = formatName(template, parts);
          expect(names.parse[kind](name)).toEqual(parts);
          expect(names.kindOf(name)).toBe(kind);
        }),
        { numRuns: 200 },
      );
    });
  }

  it("ids that break the documented rules are refused by builders and parsers", () => {
    const badResourceId = fc.oneof(
      fc.constant(""),
      fc.stringMatching(/^[A-Z0-9_-][a-z0-9-]{0,10}$/),
      fc.stringMatching(/^[a-z][a-z0-9-]{63,70}$/),
      fc.stringMatching(/^[a-z][a-z0-9]*[_A-Z.][a-z0-9]*$/),
    );
    fc.assert(
      fc.property(badResourceId, (id) => {
        expect(() => names.branch("p", id)).toThrow(ValidationError);
        expect(() => parseName(NAME_TEMPLATES.branch, `projects/p/branches/${id}`)).toThrow(ValidationError);
        expect(validateId("branch_id", id)).toBeTypeOf("string");
      }),
      { numRuns: 200 },
    );
  });

  it("the database id follows the live regex; role ids are not pattern-checked", () => {
    expect(validateId("database_id", "Invalid_DB_ID")).toMatch(/\^\[a-z\]/);
    expect(validateId("database_id", "app-")).toMatch(/no trailing hyphen/);
    expect(validateId("database_id", "a")).toBeUndefined();
    expect(validateId("role_id", "someone@example.com")).toBeUndefined();
    expect(validateId("role_id", "6f1c2a3b-0000-4000-8000-000000000000")).toBeUndefined();
  });

  it("a name of one kind never parses as another", () => {
    fc.assert(
      fc.property(resourceId, resourceId, resourceId, (p, b, e) => {
        const endpoint = names.endpoint(p, b, e);
        expect(() => names.parse.branch(endpoint)).toThrow(ValidationError);
        expect(() => names.parse.endpoint(names.branch(p, b))).toThrow(ValidationError);
      }),
      { numRuns: 100 },
    );
  });
});
