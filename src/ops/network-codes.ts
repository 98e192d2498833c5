/** Transport error codes meaning the request never left this machine (nothing reached the server). */
export const PRE_SEND_ERROR_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

/** Collects `code` strings from an error, its `cause` chain and AggregateError members. */
export function networkErrorCodes(err: unknown, depth = 0, out: string[] = []): string[] {
  if (depth > 6 || typeof err !== "object" || err === null) return out;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === "string") out.push(e.code);
  if (Array.isArray(e.errors)) for (const inner of e.errors) networkErrorCodes(inner, depth + 1, out);
  if (e.cause !== undefined && e.cause !== err) networkErrorCodes(e.cause, depth + 1, out);
  return out;
}
