import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { errors } from "./http-errors.js";

/**
 * Opaque, tamper-checked page tokens: the offset and the list they belong to, signed with a
 * per-emulator key. A token from another list, another emulator or edited by hand is refused.
 */
export class PageTokens {
  readonly #key = randomBytes(32);

  paginate<T>(items: readonly T[], listKey: string, pageSize: unknown, pageToken: unknown, maxPageSize = 100): { page: T[]; next?: string } {
    const size = this.#pageSize(pageSize, maxPageSize);
    const offset = typeof pageToken === "string" && pageToken !== "" ? this.#open(pageToken, listKey) : 0;
    const page = items.slice(offset, offset + size);
    const nextOffset = offset + page.length;
    return nextOffset < items.length ? { page, next: this.#seal(nextOffset, listKey) } : { page };
  }

  #pageSize(value: unknown, max: number): number {
    if (value === undefined || value === "" || value === null) return Math.min(50, max);
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw errors.invalid(`page_size must be a non-negative integer, got '${String(value)}'`);
    if (n > max) throw errors.invalid(`page_size must be at most ${max}, got ${n}`);
    return n === 0 ? Math.min(50, max) : n;
  }

  #seal(offset: number, listKey: string): string {
    const payload = Buffer.from(JSON.stringify({ o: offset, k: listKey })).toString("base64url");
    return `${payload}.${this.#mac(payload)}`;
  }

  #open(token: string, listKey: string): number {
    const [payload, mac] = token.split(".");
    const expected = payload ? this.#mac(payload) : "";
    if (!payload || !mac || mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) {
      throw errors.invalid("Invalid page_token");
    }
    const { o, k } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { o: number; k: string };
    if (k !== listKey) throw errors.invalid("page_token does not belong to this list request");
    return o;
  }

  #mac(payload: string): string {
    return createHmac("sha256", this.#key).update(payload).digest("base64url").slice(0, 22);
  }
}
