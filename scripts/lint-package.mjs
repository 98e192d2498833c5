// `npm run lint:package`: checks the package as npm would publish it (the `npm pack` tarball of
// the current dist/, so run `npm run build` first), not the working tree:
//   1. package.json "exports" has exactly the public entries of scripts/entries.mjs, each in the
//      same shape (ESM + CJS, types first), and "typesVersions" is in step with it (node10);
//   2. publint --strict (package.json fields against the files actually packed);
//   3. @arethetypeswrong/cli on every subpath, for node10, node16 from CJS and from ESM, bundler;
//   4. every shipped source map carries its sources (see tsup.config.ts for why);
//   5. the user program test/dist/consumer/app.ts type-checks against the unpacked tarball, with
//      skipLibCheck off, under node10 (CommonJS), node16 from a .cts file, and bundler
//      resolution (test:dist already covers node16 from ESM), so the .d.cts twins and the
//      typesVersions map are compiled, not only resolved.
// Exits 1 if any step fails; prints one line per step.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { binEntries, publicEntries, subpathOf } from "./entries.mjs";
import { main as checkTypesVersions } from "./types-versions.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "node_modules/.bin");
const keep = process.argv.includes("--keep");

if (!existsSync(join(ROOT, "dist/index.js"))) {
  console.error("lint:package: dist/ is missing; run `npm run build` first");
  process.exit(2);
}

const results = [];
function step(name, fn) {
  const started = Date.now();
  try {
    const detail = fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name}${detail ? `: ${detail}` : ""} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}`);
    const output = String(error.stdout ?? "") + String(error.stderr ?? "") || error.message;
    const lines = output.trimEnd().split("\n");
    console.log(lines.slice(0, 40).join("\n") + (lines.length > 40 ? `\n… ${lines.length - 40} more lines` : ""));
  }
}

function run(command, args, options = {}) {
  return execFileSync(command, args, { cwd: ROOT, encoding: "utf8", stdio: "pipe", ...options });
}

const scratch = mkdtempSync(join(tmpdir(), "lakebase-lint-package-"));
try {
  step("exports match scripts/entries.mjs", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const problems = [];
    const expected = new Set(["./package.json"]);
    for (const name of Object.keys(publicEntries)) {
      const subpath = subpathOf(name);
      expected.add(subpath);
      // The root entry's Node build sits behind a `node` condition (tsup.config.ts, src/index.node.ts).
      const node = (ext) => (name === "index" ? { node: `./dist/index.node.${ext}` } : {});
      const want = {
        import: { types: `./dist/${name}.d.ts`, ...node("js"), default: `./dist/${name}.js` },
        require: { types: `./dist/${name}.d.cts`, ...node("cjs"), default: `./dist/${name}.cjs` },
      };
      const got = pkg.exports?.[subpath];
      if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`exports["${subpath}"] should be ${JSON.stringify(want)}`);
    }
    for (const subpath of Object.keys(pkg.exports ?? {})) {
      if (!expected.has(subpath)) problems.push(`exports["${subpath}"] has no entry in scripts/entries.mjs`);
    }
    for (const [bin, target] of Object.entries(pkg.bin ?? {})) {
      const name = target.replace(/^\.\/dist\//, "").replace(/\.js$/, "");
      if (!(name in binEntries)) problems.push(`bin "${bin}" (${target}) has no entry in binEntries of scripts/entries.mjs`);
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));
    return `${Object.keys(publicEntries).length} subpaths`;
  });

  step("typesVersions in step with exports", () => {
    if (checkTypesVersions([]) !== 0) throw new Error("run `node scripts/types-versions.mjs --write`");
  });

  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", scratch]))[0];
  const tarball = join(scratch, packed.filename);
  console.log(`     packed ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} kB (${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked)`);

  step("publint --strict", () => run(join(BIN, "publint"), ["run", tarball, "--strict"]).trim().split("\n").at(-1));

  step("attw (every subpath: node10, node16 CJS/ESM, bundler)", () => {
    // --no-definitely-typed: judge our own declarations only, and stay off the network.
    run(join(BIN, "attw"), [tarball, "--no-definitely-typed", "--format", "table-flipped", "--no-color"]);
    return "no problems";
  });

  // Unpacked as a user's node_modules: the package, plus links to what its declarations import.
  const app = join(scratch, "app");
  const modules = join(app, "node_modules");
  const pkgDir = join(modules, "lakebase-sdk");
  mkdirSync(pkgDir, { recursive: true });
  run("tar", ["xzf", tarball, "-C", pkgDir, "--strip-components=1"]);
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const needed = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), "@types/pg", "@types/node"];
  for (const name of needed) {
    const from = join(ROOT, "node_modules", name);
    if (!existsSync(from)) continue;
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(from, join(modules, name), "dir");
  }

  step("source maps carry their sources", () => {
    const maps = walk(pkgDir).filter((f) => f.endsWith(".map"));
    const missing = [];
    for (const file of maps) {
      const map = JSON.parse(readFileSync(file, "utf8"));
      const contents = map.sourcesContent ?? [];
      map.sources.forEach((source, i) => {
        if (typeof contents[i] !== "string") missing.push(`${relative(pkgDir, file)}: ${source}`);
      });
    }
    if (missing.length > 0) throw new Error(`sources missing from maps:\n  ${missing.join("\n  ")}`);
    return `${maps.length} maps`;
  });

  const program = readFileSync(join(ROOT, "test/dist/consumer/app.ts"), "utf8");
  const modes = {
    // esModuleInterop as `tsc --init` sets it: zod's and pg's own declarations need it under node10.
    "node10 (CommonJS)": { file: "app.ts", module: "CommonJS", moduleResolution: "Node10", esModuleInterop: true },
    "node16 from CJS (.cts)": { file: "app.cts", module: "Node16", moduleResolution: "Node16" },
    bundler: { file: "app.ts", module: "ESNext", moduleResolution: "Bundler" },
  };
  for (const [label, { file, ...options }] of Object.entries(modes)) {
    step(`consumer type-checks, ${label}`, () => {
      const dir = join(app, label.replace(/\W+/g, "-"));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, file), program);
      const compilerOptions = { strict: true, target: "ES2022", noEmit: true, skipLibCheck: false, types: [], ...options };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: [file] }, null, 2));
      run(join(BIN, "tsc"), ["-p", dir]);
    });
  }
} finally {
  if (keep) console.log(`     kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const failed = results.filter((r) => !r.ok).length;
console.log(`lint:package: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
