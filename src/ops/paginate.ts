import { ValidationError } from "./errors.js";
import { PaginationLoopError } from "./lro/errors.js";

/** One page of a list: its items and the token of the next page (absent on the last page). */
export interface Page<T> {
  readonly items: T[];
  /** Store it to continue later (`.page(token)`, `.pages({ startToken })`); undefined on the last page. */
  readonly nextPageToken: string | undefined;
}

export type FetchPage<T> = (pageToken: string | undefined, signal: AbortSignal | undefined) => Promise<Page<T>>;

export interface PagesOptions {
  readonly signal?: AbortSignal;
  /** Resume a walk from a token stored earlier. */
  readonly startToken?: string;
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
    return this.#fetchPage(pageToken || undefined, options.signal ?? this.#signal);
  }

  /** Every page in order. Breaking out of the loop stops fetching. */
  async *pages(options: PagesOptions = {}): AsyncGenerator<Page<T>, void, undefined> {
    const signal = options.signal ?? this.#signal;
    const followed = new Set<string>();
    let token = options.startToken || undefined;
    if (token) followed.add(token);
    for (;;) {
      signal?.throwIfAborted();
      const page = await this.#fetchPage(token, signal);
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
