import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, PaginationLoopError, ValidationError } from "../../src/index.js";

const HOST = "https://ws.example.com";
const LIST = "/api/2.0/postgres/projects/p/branches";

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const client = () => createLakebaseClient({ host: HOST, auth: "t", retry: false });
const b = (id: string) => ({ name: `projects/p/branches/${id}` });

/** Scripts pages by the token they are asked with; records every query string sent. */
function pages(script: Record<string, { branches?: unknown[]; next_page_token?: string }>) {
  const asked: string[] = [];
  nock(HOST)
    .get(LIST)
    .query(true)
    .times(20)
    .reply((uri) => {
      const query = uri.split("?")[1] ?? "";
      asked.push(query);
      const token = new URLSearchParams(query).get("page_token") ?? "";
      const page = script[token];
      return page ? [200, page] : [400, { error_code: "INVALID_PARAMETER_VALUE", message: `bad token ${token}` }];
    });
  return asked;
}

describe("Paginated", () => {
  it("walks 3 pages in order, passing page_size on every request and the tokens verbatim", async () => {
    const asked = pages({
      "": { branches: [b("a"), b("b")], next_page_token: "t+1/=" },
      "t+1/=": { branches: [b("c")], next_page_token: "t2" },
      t2: { branches: [b("d")] },
    });
    const names: string[] = [];
    for await (const branch of client().branches.list("projects/p", { page_size: 2 })) names.push(branch.name!);
    expect(names).toEqual(["projects/p/branches/a", "projects/p/branches/b", "projects/p/branches/c", "projects/p/branches/d"]);
    expect(asked).toEqual(["page_size=2", "page_size=2&page_token=t%2B1%2F%3D", "page_size=2&page_token=t2"]);
  });

  it("keeps going through an empty page that carries a token; stops on an empty token", async () => {
    pages({
      "": { branches: [b("a")], next_page_token: "t1" },
      t1: { branches: [], next_page_token: "t2" },
      t2: { branches: [b("c")], next_page_token: "" },
    });
    const all = await client().branches.list("projects/p").toArray({ limit: Infinity });
    expect(all.map((x) => x.name)).toEqual(["projects/p/branches/a", "projects/p/branches/c"]);
  });

  it("throws instead of looping when the server repeats a token", async () => {
    pages({
      "": { branches: [b("a")], next_page_token: "t1" },
      t1: { branches: [b("b")], next_page_token: "t2" },
      t2: { branches: [b("c")], next_page_token: "t1" },
    });
    const seen: string[] = [];
    const walk = async () => {
      for await (const x of client().branches.list("projects/p")) seen.push(x.name!);
    };
    await expect(walk()).rejects.toBeInstanceOf(PaginationLoopError);
    expect(seen).toHaveLength(3); // nothing skipped, nothing repeated before the stop
  });

  it("breaking out of for-await stops fetching", async () => {
    const asked = pages({
      "": { branches: [b("a"), b("b")], next_page_token: "t1" },
      t1: { branches: [b("c")] },
    });
    for await (const x of client().branches.list("projects/p")) {
      expect(x.name).toBe("projects/p/branches/a");
      break;
    }
    expect(asked).toHaveLength(1);
  });

  it("pages() exposes nextPageToken on every page; page(token) and pages({ startToken }) resume from it", async () => {
    const asked = pages({
      "": { branches: [b("a")], next_page_token: "t1" },
      t1: { branches: [b("b")], next_page_token: "t2" },
      t2: { branches: [b("c")] },
    });
    const list = client().branches.list("projects/p");
    const first = await list.page();
    expect(first).toEqual({ items: [b("a")], nextPageToken: "t1" });
    // a later invocation resumes from the stored token
    const second = await client().branches.list("projects/p").page(first.nextPageToken);
    expect(second.nextPageToken).toBe("t2");
    const rest: string[] = [];
    for await (const page of client().branches.list("projects/p").pages({ startToken: second.nextPageToken })) {
      rest.push(...page.items.map((x) => x.name!));
      expect(page.nextPageToken).toBeUndefined();
    }
    expect(rest).toEqual(["projects/p/branches/c"]);
    expect(asked).toEqual(["", "page_token=t1", "page_token=t2"]);
  });

  it("toArray({ limit }) stops fetching once it holds enough", async () => {
    const asked = pages({
      "": { branches: [b("a"), b("b")], next_page_token: "t1" },
      t1: { branches: [b("c"), b("d")], next_page_token: "t2" },
      t2: { branches: [b("e")] },
    });
    const three = await client().branches.list("projects/p").toArray({ limit: 3 });
    expect(three.map((x) => x.name!.split("/").pop())).toEqual(["a", "b", "c"]);
    expect(asked).toHaveLength(2);
    await expect(client().branches.list("projects/p").toArray({ limit: -1 })).rejects.toBeInstanceOf(ValidationError);
  });

  it("honours an AbortSignal", async () => {
    pages({ "": { branches: [b("a")], next_page_token: "t1" }, t1: { branches: [b("b")] } });
    const controller = new AbortController();
    const walk = async () => {
      for await (const _ of client().branches.list("projects/p", undefined, { signal: controller.signal })) controller.abort();
    };
    await expect(walk()).rejects.toMatchObject({ name: "AbortError" });
  });

  it("validates page_size before any request (≥ 0; ≤ 100 for projects)", () => {
    let sent = 0;
    const c = createLakebaseClient({ host: HOST, auth: "t", fetch: (request) => ((sent += 1), fetch(request)) });
    expect(() => c.projects.list({ page_size: 101 })).toThrow(ValidationError);
    expect(() => c.branches.list("projects/p", { page_size: -1 })).toThrow(/page_size/);
    expect(() => c.branches.list("projects/p/branches/x" as never)).toThrow(ValidationError);
    expect(sent).toBe(0);
  });

  it("every list method of the spec is paginated", async () => {
    const { operations } = await import("../../src/generated/operations.js");
    for (const [id, op] of Object.entries(operations)) {
      expect(Boolean(op.paginated), id).toBe(id.startsWith("List"));
      // Every mutation of the postgres service is long-running; the workspace Permissions API's are synchronous.
      const postgresService = op.path.startsWith("/api/2.0/postgres/");
      expect(Boolean(op.lro), id).toBe(postgresService && /^(Create|Update|Delete|Undelete)/.test(id));
    }
  });
});
