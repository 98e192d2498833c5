/*
 * How every error class of the SDK names itself: one line per class,
 *
 *   static override readonly typeName: string = "WaitTimeoutError";
 *
 * read by the one `name` accessor pair on LakebaseError.prototype.
 * - the string literal survives minification (the class's own name does not);
 * - `name` is not an own property of instances, so JSON and `inspect` output carry no `name` key;
 * - it is what `instanceof` matches across two copies of the package (see `prototypeName`);
 * - a class whose statics are literals is one a bundler may drop when nothing uses it. A
 *   `static {}` block, the earlier form, runs code when the module loads, so esbuild kept every
 *   error class in every bundle (test/budgets/bundle-budgets.mjs).
 *
 * The setter keeps `err.name = "…"` working as on a plain Error, whose `name` is a writable data
 * property of Error.prototype: assigning it gives the instance its own property.
 */

/** What `target.name = value` does when `name` is a writable data property further up the chain. */
export function setOwnName(target: object, value: string): void {
  Object.defineProperty(target, "name", { value, writable: true, enumerable: true, configurable: true });
}

/**
 * The name a prototype's class declares itself (not inherited): its own static `typeName`, or,
 * for a prototype named the older way (a data property, as an earlier copy of the package did),
 * that property's value. Undefined when the class declares none (a user's subclass).
 */
export function prototypeName(proto: object): string | undefined {
  const ctor = Object.prototype.hasOwnProperty.call(proto, "constructor") ? (proto as { constructor: unknown }).constructor : undefined;
  if (typeof ctor === "function" && Object.prototype.hasOwnProperty.call(ctor, "typeName")) {
    const name = (ctor as unknown as { typeName: unknown }).typeName;
    if (typeof name === "string") return name;
  }
  const own = Object.getOwnPropertyDescriptor(proto, "name");
  return typeof own?.value === "string" ? own.value : undefined;
}
