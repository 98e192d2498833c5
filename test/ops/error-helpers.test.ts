import { describe, expect, it } from "vitest";
import { isRecord } from "../../src/ops/error-details.js";
import { codeString, withoutUndefined } from "../../src/ops/parse-error-body.js";

// The small helpers the error builders share (ops/error-details.ts, ops/parse-error-body.ts, ops/errors.ts).
describe("error helpers", () => {
  it("isRecord: plain objects only", () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord(Object.create(null))).toBe(true);
    for (const no of [null, undefined, [], "x", 1, true]) expect(isRecord(no)).toBe(false);
  });

  it("codeString: a non-blank string, trimmed, or a finite number, as text", () => {
    expect(codeString(" NOT_FOUND ")).toBe("NOT_FOUND");
    expect(codeString(1234)).toBe("1234");
    expect(codeString(-0)).toBe("0");
    for (const no of ["", "  ", Number.NaN, Infinity, null, undefined, true, {}, ["A"]]) expect(codeString(no)).toBeUndefined();
  });

  it("withoutUndefined: drops undefined properties only, keeps the order of the rest", () => {
    const out = withoutUndefined({ a: 1, b: undefined, c: null, d: "", e: 0, f: false });
    expect(Object.keys(out)).toEqual(["a", "c", "d", "e", "f"]);
    expect("b" in out).toBe(false);
    // A "__proto__" key stays plain data rather than replacing the prototype.
    const tricky = withoutUndefined(JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(tricky)).toBe(Object.prototype);
    expect(Object.keys(tricky)).toEqual(["__proto__", "x"]);
  });
});
