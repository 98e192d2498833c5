import * as sdk from "../../src/index.js";
import { QUIET_AFTER_MS } from "./config.js";
import { startFaultServer, type SeenRequest } from "./fault-server.js";
import type { Fault } from "./faults.js";
import { ALL_BRANCHES, OPERATION, healthyApi } from "./fixtures.js";
import type { OpClass, RunEnv } from "./operations.js";

/** NetworkError is being added to the SDK; until it lands the cells that need it simply fail. */
type NetworkErrorShape = Error & { host?: unknown; method?: unknown; path?: unknown; outcomeUnknown?: unknown; operationName?: unknown };
const NetworkError = (sdk as Record<string, unknown>).NetworkError as (new (...args: never[]) => NetworkErrorShape) | undefined;

export interface CellResult {
  readonly fault: string;
  readonly op: string;
  readonly held: boolean;
  /** What the matrix prints: "ok 0.1s", "RequestTimeoutError 1.6s" or "FAIL: …". */
  readonly label: string;
  /** Every broken rule, for the assertion message. */
  readonly problems: readonly string[];
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown } | { hang: true };

/** A cell that never settles is reported after its bound plus this, not left to the test timeout. */
const HANG_GRACE_MS = 3_000;

/** Runs one operation class against one fault on its own server and checks every rule. */
export async function runCell(fault: Fault, op: OpClass): Promise<CellResult> {
  const healthy = healthyApi();
  let hits = 0;
  let notBefore: number | undefined;
  const server = await startFaultServer((req, res, socket) => {
    if (!op.isTarget(req) || hits >= fault.hits) return healthy(req, res);
    hits += 1;
    const asked = fault.apply(req, res, socket, { healthy, hit: hits });
    if (asked?.notBefore !== undefined) notBefore = asked.notBefore;
  });
  // Sends are counted on the client side: under load the server may read a request only after
  // the client gave up on it, which is not a request sent after settling.
  let sent = 0;
  const env: RunEnv = {
    url: server.url,
    arm: fault.refused ? () => server.stop() : async () => {},
    collected: [],
    fetch: (request) => ((sent += 1), globalThis.fetch(request)),
  };

  const started = performance.now();
  let hangTimer: NodeJS.Timeout | undefined;
  const settled: Settled = await Promise.race([
    op.run(env).then(
      (value): Settled => ({ ok: true, value }),
      (error: unknown): Settled => ({ ok: false, error }),
    ),
    new Promise<Settled>((resolve) => (hangTimer = setTimeout(() => resolve({ hang: true }), op.boundMs + HANG_GRACE_MS))),
  ]);
  clearTimeout(hangTimer);
  const elapsed = performance.now() - started;
  const sentAtSettle = sent;
  await new Promise((resolve) => setTimeout(resolve, QUIET_AFTER_MS));
  const lateSends = sent - sentAtSettle;
  const seen = [...server.seen];
  await server.stop();

  const problems = judge(fault, op, settled, elapsed, env, seen, lateSends, notBefore);
  const secs = `${(elapsed / 1000).toFixed(1)}s`;
  const outcome = "hang" in settled ? "no outcome" : settled.ok ? "ok" : errorName(settled.error);
  const label = problems.length === 0 ? `${outcome} ${secs}` : `FAIL: ${problems[0]}`;
  return { fault: fault.id, op: op.id, held: problems.length === 0, label, problems };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function judge(
  fault: Fault,
  op: OpClass,
  settled: Settled,
  elapsed: number,
  env: RunEnv,
  seen: readonly SeenRequest[],
  lateSends: number,
  notBefore: number | undefined,
): string[] {
  const problems: string[] = [];
  if ("hang" in settled) return [`no outcome after ${((op.boundMs + HANG_GRACE_MS) / 1000).toFixed(1)}s`];

  // Exactly one outcome: a result, or one typed error.
  if (!settled.ok && !sdk.isLakebaseError(settled.error)) {
    const e = settled.error as { message?: unknown };
    problems.push(`${errorName(settled.error)} (untyped: ${String(e?.message ?? settled.error).slice(0, 60)})`);
  }
  if (settled.ok) {
    const wrong = op.check(settled.value);
    if (wrong) problems.push(`wrong result: ${wrong}`);
  }
  const expected = fault.expect[op.group];
  const outcome = settled.ok ? "ok" : errorName(settled.error);
  if (expected && !expected.includes(outcome) && problems.length === 0) problems.push(`${outcome}, want ${expected.join("|")}`);
  if (elapsed > op.boundMs) problems.push(`took ${(elapsed / 1000).toFixed(2)}s > ${(op.boundMs / 1000).toFixed(1)}s`);

  // No mutation sent twice when the server may have acted on it.
  if (op.mutation && (fault.workMaybeDone || op.mutation.alwaysOnce)) {
    const sent = seen.filter((r) => r.method === op.mutation!.method && r.path === op.mutation!.path).length;
    if (sent !== 1 && !fault.refused) problems.push(`${op.mutation.method} sent ${sent}x, want 1`);
  }
  // Nothing keeps going once the caller has its answer.
  if (lateSends > 0) problems.push(`${lateSends} request(s) sent after settling`);

  // A list walk never loses or repeats an item, whatever happened mid-way.
  if (op.id === "list") {
    const prefix = ALL_BRANCHES.slice(0, env.collected.length);
    if (JSON.stringify(env.collected) !== JSON.stringify(prefix)) problems.push(`walk yielded ${env.collected.join(",")}`);
  }

  // Retry-After is honoured: the retry of the throttled request comes no sooner than asked.
  const targeted = seen.filter((r) => op.isTarget(r));
  if (notBefore !== undefined && targeted.length >= 2 && targeted[1]!.at < notBefore - 15) {
    problems.push(`retried ${notBefore - targeted[1]!.at} ms before Retry-After`);
  }

  if (!settled.ok && NetworkError && settled.error instanceof NetworkError) problems.push(...networkErrorProblems(fault, op, settled.error, env.url));
  return problems;
}

/** The NetworkError contract: where it went, and whether a mutation may have been done. */
function networkErrorProblems(fault: Fault, op: OpClass, error: NetworkErrorShape, url: string): string[] {
  const problems: string[] = [];
  if (error.host !== new URL(url).host || typeof error.method !== "string" || typeof error.path !== "string") {
    problems.push("NetworkError without the right host/method/path");
  }
  // Only a mutation that may have reached the server has an unknown outcome; a read never does.
  const want = op.group === "mutation" && !fault.refused;
  if (error.outcomeUnknown !== want) problems.push(`outcomeUnknown ${String(error.outcomeUnknown)}, want ${want}`);
  if (op.group === "wait" && error.operationName !== OPERATION) problems.push("NetworkError from wait() without operationName");
  return problems;
}
