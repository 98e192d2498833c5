/**
 * Give an error class a stable `name` on its prototype: it survives minification, is not an own
 * property of each instance, and is what `instanceof` matches across two copies of the package
 * (see LakebaseError's Symbol.hasInstance).
 */
export function setName(cls: { prototype: object }, name: string): void {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, enumerable: false, configurable: true });
}
