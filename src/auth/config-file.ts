/**
 * `.databrickscfg` parsing (docs/auth.md#databrickscfg-format), the rules the Go SDK (go-ini with
 * `SpaceBeforeInlineComment`) and the CLI follow:
 *  - `[section]` headers; names are literal (dots included); a repeated section adds to the first;
 *  - `key = value` or `key: value` (the first `=` or `:`), keys and values trimmed;
 *  - whole-line comments start with `#` or `;`;
 *  - an inline comment starts only at ` #` (checked first) or ` ;` — a space before it — so a
 *    secret such as `abc#def` stays whole;
 *  - keys before any section belong to `DEFAULT`;
 *  - keys are matched case-insensitively (stored lower-case).
 * Pure string work: no file system here.
 */

/** Sections of a parsed config file, each a key → value map. */
export type ConfigSections = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** Parse the text of a `.databrickscfg` file. */
export function parseDatabricksConfig(text: string): ConfigSections {
  const sections = new Map<string, Record<string, string>>();
  let current = "DEFAULT";
  const section = (name: string) => {
    let s = sections.get(name);
    if (!s) sections.set(name, (s = Object.create(null) as Record<string, string>));
    return s;
  };
  for (const rawLine of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("[")) {
      const end = line.indexOf("]");
      if (end > 1) {
        current = line.slice(1, end).trim();
        section(current);
      }
      continue;
    }
    const eq = line.indexOf("=");
    const colon = line.indexOf(":");
    const at = eq === -1 ? colon : colon === -1 ? eq : Math.min(eq, colon);
    if (at <= 0) continue;
    const key = line.slice(0, at).trim().toLowerCase();
    let value = line.slice(at + 1).trim();
    let cut = value.indexOf(" #");
    if (cut === -1) cut = value.indexOf(" ;");
    if (cut !== -1) value = value.slice(0, cut).trim();
    if (key) section(current)[key] = value;
  }
  return sections;
}

/** Where the profile came from, for reports (never the values). */
export interface ProfileChoice {
  /** The chosen section, or undefined when none applies. */
  readonly profile?: string;
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Pick the profile (docs/auth.md#profile-selection): the named one (an error if absent), else
 * `[__settings__] default_profile`, else `DEFAULT` (absent is fine). `__settings__` is never a
 * profile, and a profile is never merged with `DEFAULT`.
 */
export function selectProfile(sections: ConfigSections, named: string | undefined): ProfileChoice | { readonly missing: string } {
  if (named !== undefined && named !== "") {
    if (named === "__settings__") return { missing: named };
    const values = sections.get(named);
    return values ? { profile: named, values } : { missing: named };
  }
  const fallback = sections.get("__settings__")?.default_profile;
  if (fallback && fallback !== "__settings__") {
    const values = sections.get(fallback);
    if (values) return { profile: fallback, values };
  }
  const values = sections.get("DEFAULT");
  return values && Object.keys(values).length > 0 ? { profile: "DEFAULT", values } : { values: {} };
}
