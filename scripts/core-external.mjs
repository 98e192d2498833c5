// An esbuild plugin for the build of the entries other than the root (tsup.config.ts): an import
// of a module that belongs to the core (the root entry's module graph) becomes an import of the
// built `internal` file, which re-exports those modules, instead of a second copy of the core.
// A core module the internal file does not re-export is a build error, not a silent copy.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Absolute paths of the modules `entry` reaches in src/ (packages left out). */
async function moduleGraph(entry) {
  const { metafile } = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, format: "esm", platform: "node", packages: "external", logLevel: "silent" });
  return new Set(Object.keys(metafile.inputs).map((file) => resolve(file)));
}

/** The modules `internalEntry` re-exports (`export * from "./x.js"` lines), as absolute .ts paths. */
function reExported(internalEntry) {
  const text = readFileSync(internalEntry, "utf8");
  return new Set([...text.matchAll(/^export \* from "(\.[^"]+)\.js";$/gm)].map((m) => resolve(dirname(internalEntry), `${m[1]}.ts`)));
}

/** @param {string} internalEntry src/internal.ts */
export function coreAsExternal(internalEntry) {
  return {
    name: "core-as-external",
    async setup(b) {
      // The core build's modules: the root entry's graph and whatever the internal file adds.
      const core = new Set([...(await moduleGraph("src/index.ts")), ...(await moduleGraph(internalEntry))]);
      const shared = reExported(internalEntry);
      // tsup builds its CJS with splitting as ESM first, so `format` says "esm" for both; its
      // TSUP_FORMAT define tells them apart.
      const extension = b.initialOptions.define?.TSUP_FORMAT === '"cjs"' ? "cjs" : "js";
      const rootEntry = resolve("src/index.ts");
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind === "entry-point") return undefined;
        const target = resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts"));
        // The root entry itself (what src/index.node.ts re-exports) is its built file.
        if (target === rootEntry) return { path: `./index.${extension}`, external: true };
        if (!core.has(target)) return undefined;
        if (!shared.has(target)) {
          return { errors: [{ text: `${args.importer} imports ${target}, a module of the core: add it to ${internalEntry} so that every entry shares the core's one copy` }] };
        }
        return { path: `./internal.${extension}`, external: true };
      });
    },
  };
}
