/** The scrubber behind every error text: what it masks, what it leaves, and its bounded memory. */
import { describe, expect, it } from "vitest";
import { apiErrorFromOperation, createApiError } from "../../src/ops/errors.js";
import { redactSecrets, rememberSecret } from "../../src/auth/secrets.js";

describe("redactSecrets", () => {
  it.each([
    ["Authorization: Bearer abc.DEF-ghi_~+/x==", "Authorization: Bearer ***"],
    ["bearer\tlower-case-token", "bearer\t***"],
    ["Basic c3AtaWQ6ZG9zZTEyMzQ1Njc4OTA=", "Basic ***"],
    ["jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln!", "jwt ***!"],
    ["pat dapi0123456789abcdef0123456789abcdef-2.", "pat ***."],
    ["code E_dapi0123456789abcdef and token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.x", "code E_*** and token=***"],
    ["secret dose0123456789abcdef0123 end", "secret *** end"],
  ])("masks %j", (input, output) => {
    expect(redactSecrets(input)).toBe(output);
  });

  it.each(["Basic authentication is not enabled", "the dapi prefix", "a dose of 5 mg", "project projects/p not found"])("leaves ordinary text alone: %j", (text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  it("masks remembered secrets of 8+ characters, the 16 most recent only", () => {
    const values = Array.from({ length: 17 }, (_, i) => `remembered-value-${i}-xyz`);
    values.forEach((v) => rememberSecret(v));
    rememberSecret("short");
    expect(redactSecrets(`a ${values[16]} b`)).toBe("a *** b");
    expect(redactSecrets(`a ${values[1]} b`)).toBe("a *** b");
    expect(redactSecrets(`a ${values[0]} b`)).toBe(`a ${values[0]} b`); // forgotten: the oldest of 17
    expect(redactSecrets("a short b")).toBe("a short b");
  });

  it("a secret inside a longer one is not left half-replaced", () => {
    rememberSecret("inner-secret-1");
    expect(redactSecrets("x inner-secret-1-and-more y", ["inner-secret-1-and-more"])).toBe("x *** y");
  });
});

describe("every ApiError path scrubs", () => {
  const token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sig-value";
  it("createApiError (hand-built init): message, code, request id, details, raw body", () => {
    const e = createApiError({ status: 401, errorCode: `E_${token}`, serverMessage: `bad ${token}`, requestId: token, rawBody: `raw ${token}`, details: [{ type: "unknown", typeUrl: "x", raw: { deep: [token] } }] });
    expect(JSON.stringify({ ...e.toJSON(), raw: e.rawBody, server: e.serverMessage, stack: e.stack })).not.toContain(token);
  });

  it("apiErrorFromOperation: a token straddling the 4 KiB cut leaves no part behind", () => {
    const e = apiErrorFromOperation({ error_code: "INTERNAL_ERROR", message: `${"x".repeat(4090)}Bearer ${token}` }, "projects/p/operations/o");
    expect(e.serverMessage).not.toMatch(/eyJ|sig-value/);
  });
});
