import type http from "node:http";
import type { Socket } from "node:net";
import type { SeenRequest } from "./fault-server.js";
import { TIMEOUT_MS } from "./config.js";
import { sendJson } from "./fixtures.js";
import { getGc } from "./gc.js";
import type { OpGroup } from "./operations.js";

/** What a fault may use when it answers (or refuses to answer) a targeted request. */
export interface FaultTools {
  /** The healthy server's answer, for a fault that answers late. */
  healthy(req: SeenRequest, res: http.ServerResponse): void;
  /** Which targeted request this is (1-based). */
  readonly hit: number;
}

/** "ok" or the name of an error class; a group without a list accepts any typed outcome. */
export type Expected = readonly string[];

export interface Fault {
  readonly id: string;
  /** Targeted requests hit, in order: the first `hits`, then the server is healthy again. */
  readonly hits: number;
  /** The server may have acted on the request: a mutation must not be sent again. */
  readonly workMaybeDone: boolean;
  /** Connection refused: nothing listens by the time the targeted request goes out. */
  readonly refused?: boolean;
  /** Calls gc() process-wide: such rows run after the others so they cannot rescue or break them. */
  readonly gc?: boolean;
  /** Runs alone before the rest: the healthy path, which also warms up the client code (JIT, imports). */
  readonly baseline?: boolean;
  readonly expect: Partial<Record<OpGroup, Expected>>;
  /**
   * Answers the targeted request. May return the earliest wall-clock time a retry is allowed
   * (Retry-After), which the cell then checks against the next targeted request.
   */
  apply(req: SeenRequest, res: http.ServerResponse, socket: Socket, tools: FaultTools): { notBefore?: number } | void;
}

const PARTIAL_JSON = '{"name":"projects/p","branches":[{"name":';
/** A Content-Length well past what is sent: the client must not wait for it forever. */
const PROMISED_LENGTH = 4_096;

function startPartial(res: http.ServerResponse): void {
  res.writeHead(200, { "Content-Type": "application/json", "Content-Length": PROMISED_LENGTH });
  res.write(PARTIAL_JSON);
}

/** Collects garbage while the client waits on a stall, before its timer is due (TIMEOUT_MS). */
function gcDuringStall(): void {
  const gc = getGc();
  for (const ms of [TIMEOUT_MS / 5, TIMEOUT_MS / 2]) setTimeout(gc, ms).unref();
}

const TYPED_NET = ["NetworkError"];
/** The token endpoint could not be used (unreachable, timed out, or answered an error status). */
const AUTH_FAILED = ["AuthenticationFailedError"];
/** The token endpoint answered 200 with something that is not a token. */
const BAD_TOKEN = ["InvalidTokenResponseError"];
const RETRYABLE_ANY: Expected = ["ok"];

export const FAULTS: readonly Fault[] = [
  {
    id: "none (baseline)",
    hits: 0,
    baseline: true,
    workMaybeDone: true,
    expect: { read: ["ok"], mutation: ["ok"], wait: ["ok"], token: ["ok"] },
    apply: () => {},
  },
  {
    id: "reset before response",
    hits: Infinity,
    workMaybeDone: true,
    expect: { read: TYPED_NET, mutation: TYPED_NET, wait: ["NetworkError", "OperationTimeoutError"], token: AUTH_FAILED },
    // RST right after the whole request arrived: the server saw it, the client sees no answer.
    apply: (_req, _res, socket) => void socket.resetAndDestroy(),
  },
  {
    id: "reset mid-response",
    hits: Infinity,
    workMaybeDone: true,
    expect: { read: TYPED_NET, mutation: TYPED_NET, wait: ["NetworkError", "OperationTimeoutError"], token: AUTH_FAILED },
    apply: (_req, res, socket) => {
      startPartial(res);
      setTimeout(() => socket.resetAndDestroy(), 20).unref();
    },
  },
  {
    id: "short body (FIN)",
    hits: Infinity,
    workMaybeDone: true,
    expect: { read: ["NetworkError", "InvalidResponseError"], mutation: ["NetworkError", "InvalidResponseError"], wait: ["NetworkError", "InvalidResponseError", "OperationTimeoutError"], token: AUTH_FAILED },
    // Content-Length promises more than is sent, then a clean close: a truncated, not a reset, body.
    apply: (_req, res, socket) => {
      startPartial(res);
      setTimeout(() => socket.end(), 20).unref();
    },
  },
  {
    id: "cut JSON (length ok)",
    hits: Infinity,
    workMaybeDone: true,
    expect: { read: ["InvalidResponseError"], mutation: ["InvalidResponseError"], wait: ["InvalidResponseError", "OperationTimeoutError"], token: BAD_TOKEN },
    apply: (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(PARTIAL_JSON) });
      res.end(PARTIAL_JSON);
    },
  },
  {
    id: "HTML 502 page",
    hits: Infinity,
    workMaybeDone: true,
    expect: { read: ["ApiError"], mutation: ["ApiError"], wait: ["ApiError", "OperationTimeoutError"], token: AUTH_FAILED },
    apply: (_req, res) => {
      const page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
      res.writeHead(502, { "Content-Type": "text/html", "Content-Length": Buffer.byteLength(page) });
      res.end(page);
    },
  },
  {
    id: "empty 200 body",
    hits: Infinity,
    workMaybeDone: true,
    expect: { read: ["InvalidResponseError"], mutation: ["InvalidResponseError"], wait: ["InvalidResponseError", "OperationTimeoutError"], token: BAD_TOKEN },
    apply: (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": 0 });
      res.end();
    },
  },
  {
    id: "429 Retry-After: 1",
    hits: 1,
    workMaybeDone: false,
    expect: { read: RETRYABLE_ANY, mutation: RETRYABLE_ANY, wait: RETRYABLE_ANY, token: RETRYABLE_ANY },
    apply: (_req, res) => {
      sendJson(res, 429, { error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" }, { "Retry-After": "1" });
      return { notBefore: Date.now() + 1_000 };
    },
  },
  {
    id: "429 Retry-After: date",
    hits: 1,
    workMaybeDone: false,
    expect: { read: RETRYABLE_ANY, mutation: RETRYABLE_ANY, wait: RETRYABLE_ANY, token: RETRYABLE_ANY },
    // An HTTP-date has whole seconds: the next whole second at least 300 ms away (300–1300 ms).
    apply: (_req, res) => {
      const at = Math.ceil((Date.now() + 300) / 1_000) * 1_000;
      sendJson(res, 429, { error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" }, { "Retry-After": new Date(at).toUTCString() });
      return { notBefore: at };
    },
  },
  {
    id: "503 (persistent)",
    hits: Infinity,
    workMaybeDone: false,
    expect: { read: ["UnavailableError"], mutation: ["UnavailableError"], wait: ["UnavailableError", "OperationTimeoutError"], token: AUTH_FAILED },
    apply: (_req, res) => sendJson(res, 503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }),
  },
  {
    id: "500 once",
    hits: 1,
    workMaybeDone: true,
    expect: { read: ["ok"], mutation: ["InternalError"], wait: ["ok"], token: ["ok"] },
    apply: (_req, res) => sendJson(res, 500, { error_code: "INTERNAL_ERROR", message: "boom" }),
  },
  {
    id: "5xx x3 then ok",
    hits: 3,
    workMaybeDone: true,
    expect: { read: ["ok"], mutation: ["InternalError"], wait: ["ok"], token: ["ok"] },
    apply: (_req, res, _socket, tools) => {
      const status = [500, 502, 504][(tools.hit - 1) % 3] ?? 500;
      sendJson(res, status, { error_code: "INTERNAL_ERROR", message: "flaky" });
    },
  },
  {
    id: "slow headers",
    hits: Infinity,
    workMaybeDone: true,
    expect: { read: ["RequestTimeoutError"], mutation: ["RequestTimeoutError"], wait: ["RequestTimeoutError", "OperationTimeoutError"], token: AUTH_FAILED },
    // Headers come three timeouts late: every attempt must give up on its own timer.
    apply: (req, res, _socket, tools) => {
      setTimeout(() => res.destroyed || tools.healthy(req, res), 3 * TIMEOUT_MS).unref();
    },
  },
  {
    id: "body never ends",
    hits: Infinity,
    workMaybeDone: true,
    expect: { read: ["RequestTimeoutError"], mutation: ["RequestTimeoutError"], wait: ["RequestTimeoutError", "OperationTimeoutError"], token: AUTH_FAILED },
    apply: (_req, res) => startPartial(res),
  },
  {
    id: "500, body never ends",
    hits: Infinity,
    workMaybeDone: true,
    expect: { read: ["RequestTimeoutError"], mutation: ["RequestTimeoutError"], wait: ["RequestTimeoutError", "OperationTimeoutError"], token: AUTH_FAILED },
    // An error body is read (for error_code and RetryInfo) under the same timer as any body.
    apply: (_req, res) => {
      res.writeHead(500, { "Content-Type": "application/json", "Content-Length": PROMISED_LENGTH });
      res.write('{"error_code":"INTERNAL_ERROR","message":');
    },
  },
  {
    id: "body never ends + gc()",
    hits: Infinity,
    workMaybeDone: true,
    gc: true,
    expect: { read: ["RequestTimeoutError"], mutation: ["RequestTimeoutError"], wait: ["RequestTimeoutError", "OperationTimeoutError"], token: AUTH_FAILED },
    // A timer only a collected AbortSignal knew about must still fire.
    apply: (_req, res) => {
      startPartial(res);
      gcDuringStall();
    },
  },
  {
    id: "connection refused",
    hits: Infinity,
    workMaybeDone: false,
    refused: true,
    expect: { read: TYPED_NET, mutation: TYPED_NET, wait: TYPED_NET, token: AUTH_FAILED },
    apply: (_req, _res, socket) => void socket.destroy(),
  },
];
