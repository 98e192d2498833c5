import { InvalidResponseError } from "./call.js";
import { ValidationError } from "./errors.js";
import { isWellFormed } from "./well-formed.js";
import { PaginationLoopError } from "./lro/errors.js";

/** One page of a list: its items and the token of the next page (absent on the last page). */
export interface Page<T> {
  readonly items: T[];
  /** Store it to continue later (`.page(token)`, `.pages({ startToken })`); undefined on the last page. */
  readonly nextPageToken: string | undefined;
}

/**
 * Reads one decoded list response as a Page. Absent or null items are an empty page (proto3 JSON
 * omits empty lists), but items that are not a list, a token that is not a string, or a response
 * that is not an object are an InvalidResponseError: read as an empty page they would silently
 * end the walk and hide every remaining item.
 */
export function readPage<T>(operationId: string, itemsField: string, data: unknown): Page<T> {
  const fail = (what: string) => new InvalidResponseError(`${operationId}: ${what}`, 200);
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw fail("the page is not a JSON object");
  const { [itemsField]: items, next_page_token: token } = data as Record<string, unknown>;
  if (items !== undefined && items !== null && !Array.isArray(items)) throw fail(`"${itemsField}" is not a list`);
  if (token !== undefined && token !== null && typeof token !== "string") throw fail(`"next_page_token" is not a string`);
  return { items: (items ?? []) as T[], nextPageToken: token ? token : undefined };
}

/** Fetches one page; `number` is its place in the walk (1-based; `.page(token)` reads page 1 of a one-page walk), for the `page` event. */
export type FetchPage<T> = (pageToken: string | undefined, signal: AbortSignal | undefined, number: number) => Promise<Page<T>>;

export interface PagesOptions {
  readonly signal?: AbortSignal;
  /** Resume a walk from a token stored earlier. */
  readonly startToken?: string;
}

/** A stored page token as given back to the API: a string (empty or absent: the first page). */
function checkToken(token: unknown, field: string): string | undefined {
  if (token === undefined || token === null || token === "") return undefined;
  if (typeof token !== "string") throw new ValidationError(field, "must be a next_page_token string from an earlier page");
  if (!isWellFormed(token)) throw new ValidationError(field, "must be well-formed Unicode (no lone surrogate)");
  return token;
}

/**
 * A list method's result. Nothing is fetched until it is iterated:
 * `for await (const b of client.branches.list(p))` walks every item across pages,
 * `.pages()` yields pages with their `nextPageToken`, `.page(token)` fetches one page,
 * `.toArray({ limit })` collects at most `limit` items. The walk stops when the token is
 * missing or empty, keeps going through empty pages that carry a token, and throws
 * PaginationLoopError if the server repeats a token.
 */
export class Paginated<T> implements AsyncIterable<T> {
  readonly #operationId: string;
  readonly #fetchPage: FetchPage<T>;
  readonly #signal: AbortSignal | undefined;

  /** @internal */
  constructor(operationId: string, fetchPage: FetchPage<T>, signal?: AbortSignal) {
    this.#operationId = operationId;
    this.#fetchPage = fetchPage;
    this.#signal = signal;
  }

  /** Fetches one page: the first without a token, or the page a stored token points to. */
  page(pageToken?: string, options: { signal?: AbortSignal } = {}): Promise<Page<T>> {
    try {
      return this.#fetchPage(checkToken(pageToken, "pageToken"), options?.signal ?? this.#signal, 1);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Every page in order. Breaking out of the loop stops fetching. */
  async *pages(options: PagesOptions = {}): AsyncGenerator<Page<T>, void, undefined> {
    const signal = options?.signal ?? this.#signal;
    const followed = new Set<string>();
    let token = checkToken(options?.startToken, "startToken");
    if (token) followed.add(token);
    for (let number = 1; ; number++) {
      signal?.throwIfAborted();
      const page = await this.#fetchPage(token, signal, number);
      yield page;
      const next = page.nextPageToken;
      if (!next) return;
      if (followed.has(next)) throw new PaginationLoopError(this.#operationId, next);
      followed.add(next);
      token = next;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** Collects items across pages, stopping once `limit` items are held (pass Infinity to take all). */
  async toArray(options: { readonly limit: number; readonly signal?: AbortSignal }): Promise<T[]> {
    const limit = options?.limit;
    if (typeof limit !== "number" || Number.isNaN(limit) || limit < 0) {
      throw new ValidationError("limit", "must be a number ≥ 0 (Infinity to collect every item)");
    }
    const out: T[] = [];
    if (limit === 0) return out;
    for await (const page of this.pages({ signal: options.signal })) {
      for (const item of page.items) {
        out.push(item);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }
}
