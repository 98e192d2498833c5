import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));

async function bundle(platform: "browser" | "neutral") {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform,
    mainFields: ["module", "main"],
    metafile: true,
    logLevel: "silent",
  });
  return { inputs: Object.keys(result.metafile.inputs), code: result.outputFiles[0]!.text };
}

describe("the core entry is fetch-only (edge runtimes)", () => {
  for (const platform of ["browser", "neutral"] as const) {
    it(`bundles for platform=${platform} with no node: import and no zod`, async () => {
      const { inputs, code } = await bundle(platform);
      expect(inputs.filter((i) => i.startsWith("node:") || /^(fs|http|https|child_process|net|tls)$/.test(i))).toEqual([]);
      expect(code).not.toMatch(/from\s*["']node:|require\(["']node:/);
      expect(inputs.filter((i) => i.includes("node_modules/zod"))).toEqual([]);
    });
  }
});
