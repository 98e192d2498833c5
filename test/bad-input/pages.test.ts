import { describe, expect, it } from "vitest";
import { InvalidResponseError, ValidationError } from "../../src/index.js";
import { recordingClient, settle } from "./harness.js";

const P = "projects/p";

describe("page_size is bounded by the spec before any request", () => {
  it("values a 32-bit page_size cannot hold are refused on every list", async () => {
    const { client, sent } = recordingClient(() => ({}));
    for (const page_size of [2 ** 31, 1e12, Number.MAX_SAFE_INTEGER, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      for (const run of [
        () => client.branches.list(P, { page_size }),
        () => client.roles.list(`${P}/branches/b`, { page_size }),
        () => client.cdf.listStatuses(`${P}/branches/b/databases/d/cdf-configs/c`, { page_size }),
        () => client.projects.list({ page_size }),
      ]) {
        const outcome = await settle(run);
        expect(outcome.ok).toBe(false);
        expect((outcome as { error: unknown }).error).toBeInstanceOf(ValidationError);
        expect(((outcome as { error: ValidationError }).error).field).toBe("page_size");
      }
    }
    expect(sent).toHaveLength(0);
  });

  it("ListProjects keeps its documented maximum of 100", async () => {
    const { client, sent } = recordingClient(() => ({}));
    await expect(settle(() => client.projects.list({ page_size: 101 }))).resolves.toMatchObject({ ok: false });
    await client.projects.list({ page_size: 100 }).page();
    await client.branches.list(P, { page_size: 2 ** 31 - 1 }).page();
    expect(sent.map((s) => s.url.searchParams.get("page_size"))).toEqual(["100", String(2 ** 31 - 1)]);
  });
});

describe("a malformed page is an InvalidResponseError, never an empty page", () => {
  const malformed: [string, unknown][] = [
    ["items as an object", { branches: {} }],
    ["items as a string", { branches: "x" }],
    ["items as a number", { branches: 3 }],
    ["next_page_token as a number", { branches: [], next_page_token: 7 }],
    ["next_page_token as an object", { branches: [], next_page_token: {} }],
    ["the page as an array", []],
    ["the page as a string", "just text"],
    ["the page as null", null],
  ];
  for (const [what, reply] of malformed) {
    it(what, async () => {
      const { client } = recordingClient(() => JSON.stringify(reply));
      await expect(client.branches.list(P).page()).rejects.toBeInstanceOf(InvalidResponseError);
      await expect(client.branches.list(P).toArray({ limit: 10 })).rejects.toBeInstanceOf(InvalidResponseError);
    });
  }

  it("absent or null items (proto3 omits empty lists) are an empty page", async () => {
    for (const reply of [{}, { branches: null }, { branches: [], next_page_token: "" }, { next_page_token: null }]) {
      const { client } = recordingClient(() => reply);
      await expect(client.branches.list(P).page()).resolves.toEqual({ items: [], nextPageToken: undefined });
    }
  });
});
