import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { createLakebaseClient, type OperationId } from "../../src/index.js";
import { operations } from "../../src/generated/operations.js";
import { apiCases } from "../fixtures/api-cases.js";

const HOST = "https://my-workspace.cloud.databricks.com";

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

interface Captured {
  url: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

function intercept(verb: string, reply: unknown): { captured: Captured[] } {
  const captured: Captured[] = [];
  const pathOnly = (uri: string) => uri.split("?")[0]!;
  const scope = nock(HOST);
  const route = { GET: scope.get.bind(scope), POST: scope.post.bind(scope), PATCH: scope.patch.bind(scope), PUT: scope.put.bind(scope), DELETE: scope.delete.bind(scope) }[verb]!;
  // The postgres service, and the workspace Permissions API the spec's project permissions live in.
  route((uri: string) => /^\/api\/2\.0\/(postgres|permissions)\//.test(pathOnly(uri)))
    .query(true)
    .reply(function (uri, body) {
      captured.push({ url: uri, body, headers: this.req.headers });
      return [200, reply as nock.Body, { "Content-Type": "application/json" }];
    });
  return { captured };
}

describe("every API method sends exactly what the service expects", () => {
  const client = createLakebaseClient({ host: HOST, auth: "dapi-test-token", retry: false });

  for (const c of apiCases) {
    it(`${c.method} → ${c.verb} ${c.url}`, async () => {
      const { captured } = intercept(c.verb, c.reply);
      const result = await c.invoke(client);
      expect(captured).toHaveLength(1);
      const [req] = captured;
      expect(req!.url).toBe(c.url);
      if (c.body === undefined) {
        expect(req!.body === "" || req!.body === undefined).toBe(true);
        expect(req!.headers["content-type"]).toBeUndefined();
      } else {
        expect(req!.headers["content-type"]).toMatch(/^application\/json/);
        expect(req!.body).toEqual(c.body);
      }
      expect(req!.headers.accept).toBe("application/json");
      expect(req!.headers.authorization).toBe("Bearer dapi-test-token");
      c.check(result);
    });
  }
});

describe("coverage: the hand-written layer wires every operation of the spec", () => {
  const spec = parseYaml(readFileSync(new URL("../../spec/postgres.openapi.yaml", import.meta.url), "utf8"));
  const specIds: string[] = Object.values(spec.paths as Record<string, Record<string, { operationId?: string }>>)
    .flatMap((item) => Object.values(item))
    .flatMap((op) => (op && typeof op === "object" && op.operationId ? [op.operationId] : []));

  // No fixed count: the spec grows by adding operations (test/coverage.test.ts checks each is served).
  it("the spec's operation ids are unique, and the generated table has exactly them", () => {
    expect(new Set(specIds).size).toBe(specIds.length);
    expect(Object.keys(operations).sort()).toEqual([...specIds].sort());
  });

  it("every spec operation is reached by a client method, and each method reaches the operation it claims", async () => {
    const reached = new Map<string, OperationId>();
    for (const c of apiCases) {
      const seen: OperationId[] = [];
      const client = createLakebaseClient({
        host: HOST,
        auth: "t",
        retry: false,
        onRequest: (info) => seen.push(info.operationId),
      });
      intercept(c.verb, c.reply);
      await c.invoke(client);
      expect(seen, c.method).toEqual([c.operationId]);
      reached.set(c.method, seen[0]!);
    }
    const missing = specIds.filter((id) => ![...reached.values()].includes(id as OperationId));
    expect(missing, "spec operations no client method reaches").toEqual([]);
  });

  // Helpers built on the API methods rather than methods of their own; tested in lro.test.ts.
  const HELPERS = ["endpoints.waitForReady", "operations.resume"];

  it("every client method is exercised by a case (no untested method)", () => {
    const client = createLakebaseClient({ host: HOST, auth: "t" }) as unknown as Record<string, unknown>;
    const methods: string[] = [];
    for (const [ns, api] of Object.entries(client)) {
      if (ns === "raw" || ns === "currentUser" || !api || typeof api !== "object") continue;
      for (const [name, fn] of Object.entries(api)) if (typeof fn === "function" && !HELPERS.includes(`${ns}.${name}`)) methods.push(`${ns}.${name}`);
    }
    expect(methods.sort()).toEqual(apiCases.map((c) => c.method).sort());
  });
});
