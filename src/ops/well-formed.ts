/**
 * Whether a string is well-formed UTF-16 (no lone surrogate). A lone surrogate cannot be
 * percent-encoded (`encodeURIComponent` throws URIError) nor sent as UTF-8, so any text that goes
 * into a URL is checked with this first and refused as a ValidationError instead.
 */
export function isWellFormed(value: string): boolean {
  const native = (value as { isWellFormed?: () => boolean }).isWellFormed;
  if (typeof native === "function") return native.call(value);
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}
