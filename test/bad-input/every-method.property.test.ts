import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createLakebaseClient, ValidationError, type LakebaseClient, type OperationInfo } from "../../src/index.js";
import { operations } from "../../src/generated/operations.js";
import { NAME_TEMPLATES } from "../../src/ops/names.js";
import { apiCases } from "../fixtures/api-cases.js";
import { BASE, HOST, HOSTILE_IDS, settle } from "./harness.js";

/*
 * The standing bad-input suite: random names, ids, masks, durations, page sizes and patches
 * thrown at every method of the client. The methods and their argument lists come from the
 * generated operation table (what each method takes follows from its target, required ids and
 * body); the method names from test/fixtures/api-cases.ts. Every call must end in a
 * ValidationError with no request sent, or in exactly one request to the operation's own path:
 * never a crash, a hang, or a request elsewhere.
 */

// Moderate by default (a few seconds); BAD_INPUT_RUNS=500 for a longer hunt.
const RUNS_PER_METHOD = Number(process.env.BAD_INPUT_RUNS ?? 40);
const HANG_MS = 2_000;

// ── arbitraries ──────────────────────────────────────────────────────────────
const lower = "abcdefghijklmnopqrstuvwxyz";
const resourceId = fc.tuple(fc.constantFrom(...lower), fc.stringMatching(/^[a-z0-9-]{0,20}$/)).map(([h, t]) => h + t);
const ucName = fc.stringMatching(/^[a-z_][a-z0-9_]{0,12}$/);
const VALID_ID: Record<string, fc.Arbitrary<string>> = {
  project_id: resourceId,
  branch_id: resourceId,
  endpoint_id: resourceId,
  database_id: fc.stringMatching(/^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/),
  role_id: fc.oneof(resourceId, fc.constant("someone@example.com"), fc.constant("équipe")),
  catalog_id: ucName,
  synced_table_id: fc.tuple(ucName, ucName, ucName).map((p) => p.join(".")),
  cdf_config_id: fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/),
  cdf_status_id: ucName,
};
const LONG = "a".repeat(5_000);
const hostileId = fc.oneof(
  fc.constantFrom(...HOSTILE_IDS, "", LONG, "\uD800", "a\uDC00b", "a/b", "/", "..."),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.stringMatching(/^[a-z.%2eEfF/\\]{1,8}$/),
);
const idFor = (param: string) => fc.oneof({ weight: 4, arbitrary: VALID_ID[param] ?? resourceId }, { weight: 1, arbitrary: hostileId });

const templates = Object.values(NAME_TEMPLATES) as string[];
const fill = (template: string) =>
  fc.tuple(...[...template.matchAll(/\{([a-z_]+)\}/g)].map((m) => idFor(m[1]!))).map((values) => {
    let i = 0;
    return template.replace(/\{[a-z_]+\}/g, () => values[i++]!);
  });
const operationId = fc.stringMatching(/^[A-Za-z0-9+/=_-]{1,16}$/);
const operationName = fc.oneof(
  fc.tuple(fc.constantFrom(...templates).chain(fill), operationId).map(([r, id]) => `${r}/operations/${id}`),
  operationId.map((id) => `operations/${id}`),
  fc.tuple(hostileId, operationId).map(([r, id]) => `${r}/operations/${id}`),
  fc.tuple(fc.constantFrom(...templates).chain(fill), hostileId).map(([r, id]) => `${r}/operations/${id}`),
);
/** A name for `template`: mostly of that shape, sometimes another kind's, sometimes anything. */
function nameFor(template: string): fc.Arbitrary<unknown> {
  if (template === "{operation_name}") return fc.oneof({ weight: 4, arbitrary: operationName }, fc.string(), fc.constant(undefined));
  return fc.oneof(
    { weight: 6, arbitrary: fill(template) },
    { weight: 1, arbitrary: fc.constantFrom(...templates).chain(fill) },
    { weight: 1, arbitrary: fill(template).map((n) => `${n}/extra`) },
    { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom("", "/", "..", undefined, null, 42)) },
  );
}

const durationText = fc.oneof(
  fc.integer({ min: -10, max: 4_000_000 }).map((n) => `${n}s`),
  fc.constantFrom("abc", "-5s", "1 day", "P7D", "ten minutes", "", "3.5s", "3600.000000001s", "1e3s", "60s", "300s", "604800s"),
  fc.integer(),
);
const CYCLIC: Record<string, unknown> = { spec: {} };
(CYCLIC.spec as Record<string, unknown>).loop = CYCLIC;
const HUGE = { spec: { display_name: "x".repeat(1_100_000) } };

function set(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const out = structuredClone(target);
  const keys = path.split(".");
  let node: Record<string, unknown> = out;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
  return out;
}

function bodyFor(op: OperationInfo, valid: unknown): fc.Arbitrary<unknown> {
  const base = (valid ?? {}) as Record<string, unknown>;
  const rules = op.body!;
  const choices: fc.WeightedArbitrary<unknown>[] = [
    { weight: 4, arbitrary: fc.constant(base) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map((spec) => ({ ...base, spec })) },
    { weight: 1, arbitrary: fc.constantFrom(CYCLIC, HUGE, { spec: { n: 10n } }) },
  ];
  if (rules.outputOnly.length > 0) {
    const arbitrary = fc.tuple(fc.constantFrom(...rules.outputOnly), fc.jsonValue({ maxDepth: 1 })).map(([path, v]) => set(base, path, v));
    choices.push({ weight: 1, arbitrary });
  }
  const durations = Object.keys(rules.durations);
  if (durations.length > 0) {
    choices.push({ weight: 2, arbitrary: fc.tuple(fc.constantFrom(...durations), durationText).map(([path, v]) => set(base, path, v)) });
  }
  return fc.oneof(...choices);
}

function queryValue(op: OperationInfo, key: string): fc.Arbitrary<unknown> {
  if (key === "update_mask") {
    const paths = op.updateMask?.paths ?? ["spec"];
    return fc.oneof(fc.subarray([...paths], { minLength: 1 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), fc.string(), fc.constant("*"));
  }
  if (VALID_ID[key]) return idFor(key);
  switch (op.query[key]!.type) {
    case "integer":
      return fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(2 ** 31, 2 ** 31 - 1, 1e12, Number.NaN, Number.POSITIVE_INFINITY, 1.5), fc.string({ maxLength: 4 }));
    case "boolean":
      return fc.oneof(fc.boolean(), fc.constantFrom("true", 1, null));
    default:
      return fc.oneof(fc.string({ maxLength: 20 }), hostileId, fc.integer());
  }
}

function optionsFor(op: OperationInfo, positional: readonly string[]): fc.Arbitrary<Record<string, unknown> | undefined> {
  const keys = Object.keys(op.query).filter((k) => !positional.includes(k) && k !== "page_token");
  if (op.updateMask) keys.push("update_mask");
  const known = fc.record(Object.fromEntries(keys.map((k) => [k, queryValue(op, k)])), { requiredKeys: [] });
  return fc.oneof({ weight: 4, arbitrary: known }, fc.constant(undefined), fc.constant({ not_a_parameter: 1 }));
}

// ── the methods, from the operation table ────────────────────────────────────
interface Method {
  readonly label: string;
  readonly op: OperationInfo;
  /** The positional query ids (CreateBranch's branch_id …), in order. */
  readonly ids: readonly string[];
  readonly takesBody: boolean;
  readonly reply: unknown;
  readonly call: (client: LakebaseClient, args: readonly unknown[], pageToken: unknown) => unknown;
}

const methods: Method[] = apiCases.map((c) => {
  const op = operations[c.operationId] as OperationInfo;
  // A create takes the new resource's id positionally, required or not (`roles.create(parent, roleId, body)`):
  // its first `…_id` query parameter, as codegen/functions.mjs picks it, whether VALID_ID knows the id or not.
  const creates = op.lro !== null && op.method === "POST" && !op.path.endsWith("/undelete");
  const ids = creates ? Object.keys(op.query).filter((k) => k.endsWith("_id")).slice(0, 1) : [];
  const [ns, name] = c.method.split(".") as [string, string];
  return {
    label: c.method,
    op,
    ids,
    takesBody: op.body !== null && op.body.schema !== "UndeleteRequest",
    reply: c.reply,
    call: (client, args, pageToken) => {
      const result = (client as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[ns]![name]!(...args);
      return op.paginated ? (result as { page: (token: unknown) => Promise<unknown> }).page(pageToken) : result;
    },
  };
});

interface Args {
  readonly pageToken?: unknown;
  readonly resource?: unknown;
  readonly ids: readonly unknown[];
  readonly body?: unknown;
  readonly options?: Record<string, unknown>;
}

function argsFor(m: Method): fc.Arbitrary<Args> {
  const valid = apiCases.find((c) => c.method === m.label)!.body;
  return fc.record({
    pageToken: m.op.paginated ? fc.oneof(fc.constant(undefined), fc.string({ maxLength: 12 }), hostileId, fc.integer()) : fc.constant(undefined),
    resource: m.op.target.kind === "none" ? fc.constant(undefined) : nameFor(m.op.target.template),
    ids: fc.tuple(...m.ids.map((k) => idFor(k))),
    body: m.takesBody ? bodyFor(m.op, valid) : fc.constant(undefined),
    options: optionsFor(m.op, m.ids),
  });
}

/** One valid call and one refused call, tried first on every run so both outcomes always occur. */
const FIXED_ID: Record<string, string> = { synced_table_id: "main.sales.orders", catalog_id: "app_cat", cdf_config_id: "cfg", cdf_status_id: "orders" };
function examplesFor(m: Method): [Args][] {
  const valid: Args = {
    resource: m.op.target.kind === "none" ? undefined : m.op.target.template === "{operation_name}" ? "projects/p/operations/a+b/c=" : m.op.target.template.replace(/\{([a-z_]+)\}/g, (_, p: string) => FIXED_ID[p] ?? "x"),
    ids: m.ids.map((k) => FIXED_ID[k] ?? "x"),
    body: m.takesBody ? (apiCases.find((c) => c.method === m.label)!.body ?? {}) : undefined,
  };
  const refused: Args =
    m.op.target.kind !== "none" ? { ...valid, resource: ".." } : m.ids.length > 0 ? { ...valid, ids: [".."] } : m.takesBody ? { ...valid, body: null } : { ...valid, options: { page_size: 1e12 } };
  return [[valid], [refused]];
}

function positional(m: Method, a: Args): unknown[] {
  return [...(m.op.target.kind === "none" ? [] : [a.resource]), ...a.ids, ...(m.takesBody ? [a.body] : []), a.options];
}

// ── what a request may look like ─────────────────────────────────────────────
function fullyDecoded(segment: string): string {
  for (;;) {
    const next = segment.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    if (next === segment) return segment;
    segment = next;
  }
}
function safeDecodeURI(text: string): string | undefined {
  try {
    return decodeURI(text);
  } catch {
    return undefined;
  }
}
const KIND_PATTERNS = templates.map((t) => new RegExp(`^${t.replace(/\{[a-z_]+\}/g, "[^/]+")}$`));

/** Why a sent request is wrong for this call, or undefined when it is the operation's own request. */
function wrongRequest(m: Method, a: Args, request: { method: string; url: URL }): string | undefined {
  if (request.method !== m.op.method) return `method ${request.method}, spec says ${m.op.method}`;
  if (request.url.origin !== HOST) return `origin ${request.url.origin}`;
  const path = request.url.pathname;
  // The operation's own static prefix: /api/2.0/postgres/…, or the Permissions API's /api/2.0/permissions/database-projects/.
  const prefix = m.op.path.includes("{") ? m.op.path.slice(0, m.op.path.indexOf("{")) : m.op.path;
  if (!path.startsWith(prefix)) return `path ${path} is outside ${prefix}`;
  for (const segment of path.split("/")) {
    const decoded = fullyDecoded(segment);
    if (decoded === "." || decoded === ".." || /[/\\]/.test(decoded)) return `path ${path} has segment ${JSON.stringify(segment)}`;
  }
  if (m.op.paginated && a.pageToken && request.url.searchParams.get("page_token") !== a.pageToken) return `page_token ${request.url.searchParams.get("page_token")}, given ${JSON.stringify(a.pageToken)}`;
  for (const [i, id] of m.ids.entries()) {
    if (request.url.searchParams.get(id) !== a.ids[i]) return `query ${id}=${request.url.searchParams.get(id)}, given ${JSON.stringify(a.ids[i])}`;
  }
  if (m.op.target.kind === "none") return path === m.op.path ? undefined : `path ${path}, expected ${m.op.path}`;
  const given = String(a.resource);
  if (m.op.target.template === "{operation_name}") {
    // Spliced verbatim: only what the URL standard itself escapes (non-ASCII) may differ.
    const rest = path.slice(BASE.length + 1);
    if (rest !== given && safeDecodeURI(rest) !== given) return `path ${path} is not the operation name ${JSON.stringify(given)}`;
    const ok = [...rest.matchAll(/(?:^|\/)operations\//g)].some((match) => {
      const prefix = rest.slice(0, match.index);
      const id = rest.slice(match.index + match[0].length);
      return /^[A-Za-z0-9+/=_-]+$/.test(id) && (prefix === "" || KIND_PATTERNS.some((k) => k.test(prefix)));
    });
    return ok ? undefined : `operation path ${path} names no known resource`;
  }
  // Independently of the SDK: the name's segments must line up with the template's.
  const want = m.op.target.template.split("/");
  const got = given.split("/");
  if (want.length !== got.length || want.some((w, i) => !w.startsWith("{") && w !== got[i])) return `sent for a name that does not fit ${m.op.target.template}: ${given}`;
  const params = Object.fromEntries(want.flatMap((w, i) => (w.startsWith("{") ? [[w.slice(1, -1), got[i]!]] : [])));
  const expected = m.op.path.replace(/\{([^}]+)\}/g, (_, p: string) => encodeURIComponent(params[p]!));
  return path === expected ? undefined : `path ${path}, expected ${expected}`;
}

// ── the suite ────────────────────────────────────────────────────────────────
const totals = { cases: 0, refused: 0, sent: 0, violations: 0 };
const examples: string[] = [];

afterAll(() => {
  console.log(
    `bad-input suite: ${methods.length} methods, ${totals.cases} cases, ${totals.refused} ValidationError, ${totals.sent} well-formed requests, ${totals.violations} violations`,
  );
});

describe("every client method: bad input is a ValidationError or a well-formed request", () => {
  for (const m of methods) {
    it(m.label, async () => {
      let captured: { method: string; url: URL }[] = [];
      const client = createLakebaseClient({
        host: HOST,
        auth: "t",
        retry: false,
        fetch: async (request) => {
          captured.push({ method: request.method, url: new URL(request.url) });
          return new Response(JSON.stringify(m.reply), { status: 200, headers: { "Content-Type": "application/json" } });
        },
      });
      const counts = { refused: 0, sent: 0 };
      await fc.assert(
        fc.asyncProperty(argsFor(m), async (a) => {
          captured = [];
          totals.cases += 1;
          let timer: ReturnType<typeof setTimeout> | undefined;
          const hang = new Promise<"hang">((resolve) => (timer = setTimeout(() => resolve("hang"), HANG_MS)));
          const outcome = await Promise.race([settle(() => m.call(client, positional(m, a), a.pageToken)), hang]);
          clearTimeout(timer);
          let violation: string | undefined;
          if (outcome === "hang") violation = "no answer within 2 s";
          else if (!outcome.ok) {
            if (!(outcome.error instanceof ValidationError)) violation = `threw ${(outcome.error as Error)?.name}: ${(outcome.error as Error)?.message}`;
            else if (captured.length > 0) violation = "ValidationError after a request was sent";
            else counts.refused += 1;
          } else if (captured.length !== 1) violation = `${captured.length} requests for one call`;
          else {
            violation = wrongRequest(m, a, captured[0]!);
            if (!violation) counts.sent += 1;
          }
          if (violation) {
            totals.violations += 1;
            if (examples.length < 10) examples.push(`${m.label}: ${violation}`);
          }
          return violation === undefined;
        }),
        { numRuns: RUNS_PER_METHOD, endOnFailure: true, examples: examplesFor(m) },
      );
      totals.refused += counts.refused;
      totals.sent += counts.sent;
      // A generator that only ever produced bad input (or only good) would prove nothing.
      expect(counts.sent, "well-formed requests").toBeGreaterThan(0);
      expect(counts.refused, "ValidationErrors").toBeGreaterThan(0);
    });
  }

  it("covers every operation of the table", () => {
    expect(new Set(methods.map((m) => m.op.id)).size).toBe(Object.keys(operations).length);
    expect(totals.violations, examples.join("\n")).toBe(0);
  });
});
