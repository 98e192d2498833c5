/**
 * How the error classes name themselves (src/ops/class-name.ts): a static `typeName` per class,
 * read by one `name` accessor pair, so that a bundler can drop a class nobody uses. These pin what the previous form (a
 * writable data property set from a `static {}` block) gave, so the change stays invisible.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { AuthConfigError, AuthError, AuthenticationFailedError, CredentialUnavailableError, InvalidTokenResponseError, NoCredentialsError } from "../../src/auth/errors.js";
import { InvalidResponseError } from "../../src/ops/call.js";
import { prototypeName } from "../../src/ops/class-name.js";
import * as errors from "../../src/ops/errors.js";
import { OperationTimeoutError, PaginationLoopError, WaitTimeoutError } from "../../src/ops/lro/errors.js";

const { ApiError, isLakebaseError, LakebaseError, NotFoundError, ValidationError } = errors;

const classes: Array<[string, { prototype: object }]> = [
  ...Object.entries(errors).filter(([, v]) => typeof v === "function" && (v === LakebaseError || v.prototype instanceof LakebaseError)),
  ...Object.entries({ InvalidResponseError, WaitTimeoutError, OperationTimeoutError, PaginationLoopError }),
  ...Object.entries({ AuthError, CredentialUnavailableError, NoCredentialsError, AuthConfigError, AuthenticationFailedError, InvalidTokenResponseError }),
] as Array<[string, { prototype: object }]>;

describe("error class names", () => {
  it("every error class declares its own name, equal to the class name, read by a non-enumerable accessor", () => {
    expect(classes.length).toBeGreaterThanOrEqual(24);
    for (const [name, cls] of classes) {
      expect(prototypeName(cls.prototype), name).toBe(name);
      expect(Object.prototype.hasOwnProperty.call(cls, "typeName"), name).toBe(true);
      expect((cls as unknown as { prototype: Error }).prototype.name, name).toBe(name);
    }
    expect(Object.getOwnPropertyDescriptor(LakebaseError.prototype, "name")?.enumerable).toBe(false);
  });

  it("name is not an own property of an instance: JSON and inspect show no name key", () => {
    const e = new NotFoundError({ status: 404, serverMessage: "gone" });
    expect(e.name).toBe("NotFoundError");
    expect(Object.getOwnPropertyNames(e)).not.toContain("name");
    expect(Object.keys(new ValidationError("f", "r"))).not.toContain("name");
    expect(JSON.stringify(new WaitTimeoutError("m", "r", 1, 1))).not.toContain('"name"');
    expect(inspect(new ValidationError("f", "r"))).toMatch(/^ValidationError: Invalid f: r\n/);
    expect(String(new PaginationLoopError("ListBranches", "t"))).toMatch(/^PaginationLoopError: /);
  });

  it("assigning name works as on a plain Error: the instance gets its own, the class keeps its own", () => {
    const e = new ApiError({ status: 502, serverMessage: "m" });
    e.name = "Renamed";
    expect(e.name).toBe("Renamed");
    expect(Object.getOwnPropertyDescriptor(e, "name")).toEqual({ value: "Renamed", writable: true, enumerable: true, configurable: true });
    expect(new ApiError({ status: 502, serverMessage: "m" }).name).toBe("ApiError");
    expect(e).toBeInstanceOf(ApiError);
    expect(isLakebaseError(e)).toBe(true);
  });

  it("a user's subclass inherits the name; one whose name getter reads instance state still passes instanceof", () => {
    class Mine extends NotFoundError {}
    expect(new Mine({ status: 404, serverMessage: "m" }).name).toBe("NotFoundError");
    class Odd extends ValidationError {
      readonly #label = "odd";
      override get name(): string {
        return this.#label;
      }
      override set name(value: string) {
        void value;
      }
    }
    expect(prototypeName(Odd.prototype)).toBeUndefined(); // its getter cannot be read off the prototype
    const odd = new Odd("f", "r");
    expect(odd.name).toBe("odd");
    expect(odd).toBeInstanceOf(Odd);
    expect(odd).toBeInstanceOf(ValidationError);
    expect(new ValidationError("f", "r")).not.toBeInstanceOf(Odd);
  });

  it("a prototype named the older way (a data property) is still read by the cross-copy check", () => {
    const older = Object.create(Object.prototype, { name: { value: "NotFoundError", writable: true, enumerable: false, configurable: true } }) as object;
    expect(prototypeName(older)).toBe("NotFoundError");
  });
});
