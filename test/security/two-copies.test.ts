/**
 * Issue 9, defect 10: with two copies of the package in one process (the ESM build imported by
 * one dependency, the CommonJS build required by another), an error thrown by one copy must pass
 * `instanceof` and `isLakebaseError` of the other. Copy B is a real CommonJS bundle of the sources
 * (esbuild, at test time) loaded with `require`; copy C is a second ESM instance of the sources.
 */
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as A from "./fixtures/two-copies-entry.js";

type Sdk = typeof A;
const dir = mkdtempSync(join(tmpdir(), "lakebase-two-copies-"));
let copies: Array<[string, Sdk]> = [];

beforeAll(async () => {
  const outfile = join(dir, "index.cjs");
  await build({ entryPoints: [new URL("./fixtures/two-copies-entry.ts", import.meta.url).pathname], bundle: true, platform: "node", format: "cjs", outfile, logLevel: "silent" });
  const cjs = createRequire(import.meta.url)(outfile) as Sdk;
  vi.resetModules();
  const esm = (await import("./fixtures/two-copies-entry.js")) as Sdk;
  copies = [["CommonJS copy", cjs], ["second ESM copy", esm]];
}, 30_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One error of each family, built by copy `B`. */
function errorsOf(B: Sdk) {
  return {
    notFound: B.apiErrorFromResponse({ status: 404, bodyText: JSON.stringify({ error_code: "RESOURCE_DOES_NOT_EXIST", message: "gone" }) }),
    conflict: B.apiErrorFromResponse({ status: 409, bodyText: JSON.stringify({ error_code: "ALREADY_EXISTS", message: "dup" }) }),
    plainApi: B.apiErrorFromResponse({ status: 502, bodyText: "" }),
    operation: B.apiErrorFromOperation({ error_code: "INTERNAL_ERROR", message: "boom" }, "projects/p/operations/o"),
    validation: new B.ValidationError("project_id", "is required"),
    auth: new B.AuthenticationFailedError("oauth-m2m", "refused", { status: 401 }),
    unavailable: new B.NoCredentialsError("default", []),
  };
}

describe.each([0, 1])("an error thrown by another copy of the package (%i)", (index) => {
  it("passes instanceof for its own class and every ancestor, and isLakebaseError", () => {
    const [, B] = copies[index]!;
    expect(B.ApiError).not.toBe(A.ApiError); // really two copies
    const e = errorsOf(B);
    expect(Object.values(e).every((x) => A.isLakebaseError(x) && x instanceof A.LakebaseError && x instanceof Error)).toBe(true);
    expect(e.notFound).toBeInstanceOf(A.NotFoundError);
    expect((e.notFound as A.ApiError).errorCode).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(e.notFound).toBeInstanceOf(A.ApiError);
    expect(A.isMissing(e.notFound)).toBe(true);
    expect(e.conflict).toBeInstanceOf(A.AlreadyExistsError);
    expect(e.conflict).toBeInstanceOf(A.ConflictError);
    expect(e.plainApi).toBeInstanceOf(A.ApiError);
    expect(e.operation).toBeInstanceOf(A.InternalError);
    expect(e.validation).toBeInstanceOf(A.ValidationError);
    expect(e.auth).toBeInstanceOf(A.AuthenticationFailedError);
    expect(e.auth).toBeInstanceOf(A.AuthError);
    expect(e.unavailable).toBeInstanceOf(A.CredentialUnavailableError);
  });

  it("still fails instanceof for unrelated classes", () => {
    const [, B] = copies[index]!;
    const e = errorsOf(B);
    expect(e.notFound).not.toBeInstanceOf(A.AlreadyExistsError);
    expect(e.notFound).not.toBeInstanceOf(A.ValidationError);
    expect(e.plainApi).not.toBeInstanceOf(A.NotFoundError);
    expect(e.validation).not.toBeInstanceOf(A.ApiError);
    expect(e.auth).not.toBeInstanceOf(A.ApiError);
    expect(e.conflict).not.toBeInstanceOf(A.RateLimitedError);
    // A parent class from the other copy is not taken for its subclass.
    const conflictOnly = B.apiErrorFromResponse({ status: 409, bodyText: JSON.stringify({ error_code: "RESOURCE_CONFLICT", message: "busy" }) });
    expect(conflictOnly).toBeInstanceOf(A.ConflictError);
    expect(conflictOnly).not.toBeInstanceOf(A.AlreadyExistsError);
  });

  it("a user's subclass matches only its own instances, and its instances match the other copy's bases", () => {
    const [, B] = copies[index]!;
    class MyNotFound extends A.NotFoundError {}
    expect(errorsOf(B).notFound).not.toBeInstanceOf(MyNotFound);
    const mine = new MyNotFound({ status: 404, serverMessage: "x", details: [] });
    expect(mine).toBeInstanceOf(MyNotFound);
    expect(mine).toBeInstanceOf(B.NotFoundError);
    expect(mine).toBeInstanceOf(B.LakebaseError);
    expect(B.isLakebaseError(mine)).toBe(true);
  });
});

describe("look-alikes are not LakebaseErrors", () => {
  it("an Error named like an SDK error, or a plain object, is rejected", () => {
    const fake = Object.assign(new Error("x"), { name: "ApiError", status: 404, errorCode: "NOT_FOUND" });
    for (const value of [fake, { name: "NotFoundError" }, null, undefined, "ApiError", 42]) {
      expect(A.isLakebaseError(value)).toBe(false);
      expect(value instanceof A.ApiError).toBe(false);
      expect(value instanceof A.LakebaseError).toBe(false);
    }
  });
});
