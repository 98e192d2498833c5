// `npm run docs`: the API reference, built from the TSDoc of the package's public entries into
// docs/api/ (gitignored). One module page per subpath, named as users import it.
import { OptionDefaults } from "typedoc";
import { publicEntries } from "./scripts/entries.mjs";

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  name: "lakebase-sdk",
  entryPoints: Object.values(publicEntries),
  out: "docs/api",
  readme: "README.md",
  tsconfig: "tsconfig.json",
  // Type errors are `npm run typecheck`'s job; the tsconfig also covers tests and examples, whose
  // in-progress errors should not stop the reference from building.
  skipErrorChecking: true,
  excludePrivate: true,
  excludeInternal: true,
  includeVersion: true,
  // Source links would point at a repository URL that is not confirmed yet (package.json).
  disableSources: true,
  // openapi-typescript writes the spec's descriptions as `@description` blocks.
  blockTags: [...OptionDefaults.blockTags, "@description"],
  // Warn (not fail) on exported API without TSDoc, so the count shows up in every run. Required:
  // every exported name and method; properties are left out, or the fields of the generated
  // models and schemas (documented in the spec, not always per field) bury the rest.
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  requiredToBeDocumented: ["Enum", "Variable", "Function", "Class", "Interface", "TypeAlias", "Method", "Accessor"],
  treatWarningsAsErrors: false,
};
