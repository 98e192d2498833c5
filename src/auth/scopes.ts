/** OAuth scopes: default `all-apis`; comma- or space-separated strings accepted; sorted and de-duplicated. */
export function normaliseScopes(scopes: readonly string[] | string | undefined, fallback: readonly string[] = ["all-apis"]): string[] {
  const list = typeof scopes === "string" ? scopes.split(/[\s,]+/) : (scopes ?? []);
  const cleaned = [...new Set(list.map((s) => s.trim()).filter(Boolean))].sort();
  return cleaned.length > 0 ? cleaned : [...fallback];
}
