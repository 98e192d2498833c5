/**
 * An ordered credential chain. Each link either builds a provider or throws
 * `CredentialUnavailableError` ("not configured here"); the first provider that also yields a
 * token without saying "not configured" wins and serves every later call. Any other error stops
 * the chain at once: a credential that is configured but broken is reported, never skipped.
 * When every link is unavailable, one `NoCredentialsError` lists each provider and why.
 *
 * Resolution is lazy (first `getToken`) and shared by concurrent callers; a failed resolution is
 * not remembered, so a later call tries again.
 */
import { raceAbort } from "../ops/sleep.js";
import { CredentialUnavailableError, NoCredentialsError, type SkippedProvider } from "./errors.js";
import { extraHeadersOf, withExtraHeaders } from "./extra-headers.js";
import type { AccessToken, GetTokenOptions, NamedTokenProvider, TokenProvider } from "./token-provider.js";
import { canRefresh } from "./token-provider.js";

/** One link: a name and a factory that throws `CredentialUnavailableError` when not configured. */
export interface CredentialLink {
  readonly name: string;
  readonly create: () => TokenProvider | Promise<TokenProvider>;
}

/** What the chain chose. */
export interface SelectedCredential {
  /** Name of the provider that won. */
  readonly name: string;
  readonly provider: TokenProvider;
  /** Providers tried before it and why they were skipped. */
  readonly skipped: readonly SkippedProvider[];
}

export interface ChainOptions {
  /** Called once, when a provider has won. */
  readonly onSelected?: (selected: SelectedCredential) => void;
  /** Name of the chain in errors. Default `"chain"`. */
  readonly name?: string;
  /** A line appended to the "no credentials" error (e.g. a documentation link). */
  readonly hint?: string;
  /**
   * With a single link, throw its own `CredentialUnavailableError` rather than a
   * `NoCredentialsError` (used when one credential type is forced).
   */
  readonly rethrowSingle?: boolean;
}

/** A provider backed by a chain: `name` is the winner's name once resolved (`undefined` before). */
export interface ChainedTokenProvider extends TokenProvider {
  /** The winning provider's name, once resolved. */
  readonly name: string | undefined;
  /** False once a static provider (a PAT) won: the client then does not replay a 401. */
  readonly refreshable: boolean;
  /** Run the selection now (it otherwise runs on the first `getToken`). */
  resolve(options?: { readonly signal?: AbortSignal }): Promise<SelectedCredential>;
}

/**
 * Build a chain from links tried in order.
 *
 * @example
 * const auth = chainCredentials([
 *   { name: "pat", create: () => patCredentials() },
 *   { name: "oauth-m2m", create: () => databricksAppsCredentials() },
 * ]);
 */
export function chainCredentials(links: readonly CredentialLink[], options: ChainOptions = {}): ChainedTokenProvider {
  const chainName = options.name ?? "chain";
  let selected: SelectedCredential | undefined;
  let resolving: Promise<{ selected: SelectedCredential; first?: AccessToken }> | undefined;

  const run = async (signal?: AbortSignal, onRefresh?: GetTokenOptions["onRefresh"]): Promise<{ selected: SelectedCredential; first?: AccessToken }> => {
    const skipped: SkippedProvider[] = [];
    for (const link of links) {
      let provider: TokenProvider;
      let first: AccessToken;
      try {
        provider = await link.create();
        // A dry run: some providers only learn at token time that they are not configured
        // (e.g. the CLI has no login for this host).
        first = await provider.getToken({ ...(signal ? { signal } : {}), ...(onRefresh ? { onRefresh } : {}) });
      } catch (error) {
        if (error instanceof CredentialUnavailableError) {
          if (options.rethrowSingle && links.length === 1) throw error;
          skipped.push({ provider: link.name, reason: error.reason });
          continue;
        }
        throw error;
      }
      const name = typeof (provider as { name?: unknown }).name === "string" ? (provider as NamedTokenProvider).name : link.name;
      const result: SelectedCredential = { name, provider, skipped: Object.freeze(skipped) };
      return { selected: result, first };
    }
    throw new NoCredentialsError(chainName, skipped, options.hint);
  };

  const resolveOnce = (signal?: AbortSignal, onRefresh?: GetTokenOptions["onRefresh"]) => {
    if (!resolving) {
      const pending = run(signal, onRefresh).then((outcome) => {
        if (!selected) {
          selected = outcome.selected;
          try {
            options.onSelected?.(outcome.selected);
          } catch {
            // a listener must not break authentication
          }
        }
        return outcome;
      });
      resolving = pending;
      pending.catch(() => {
        if (resolving === pending) resolving = undefined;
      });
    }
    return resolving;
  };

  const chained = {
    get name() {
      return selected?.name;
    },
    /** False once a static provider (a PAT) was selected: a 401 then cannot be cured by refreshing. */
    get refreshable() {
      return selected ? canRefresh(selected.provider) : true;
    },
    async resolve(opts?: { readonly signal?: AbortSignal }) {
      return (await raceAbort(resolveOnce(opts?.signal), opts?.signal)).selected;
    },
    async getToken(opts?: GetTokenOptions): Promise<AccessToken> {
      if (selected) return selected.provider.getToken(opts);
      const outcome = await raceAbort(resolveOnce(opts?.signal, opts?.onRefresh), opts?.signal);
      // The dry run's token serves the callers that waited for the selection.
      if (outcome.first && !opts?.forceRefresh) return outcome.first;
      return outcome.selected.provider.getToken(opts);
    },
  };
  // The winner's own headers besides Authorization (Azure, GCP): asked after its token, so it is known.
  withExtraHeaders(chained, async ({ signal }) => extraHeadersOf((selected ?? (await resolveOnce(signal)).selected).provider, signal ? { signal } : {}));
  const text = () => `ChainedTokenProvider(${selected?.name ?? "unresolved"})`;
  Object.defineProperties(chained, {
    toString: { value: text, enumerable: false, configurable: true },
    toJSON: { value: () => ({ provider: "ChainedTokenProvider", selected: selected?.name ?? null }), enumerable: false, configurable: true },
    [Symbol.for("nodejs.util.inspect.custom")]: { value: text, enumerable: false, configurable: true },
  });
  return chained;
}
