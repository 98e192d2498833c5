import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", schemas: "src/schemas.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  target: "es2022",
  platform: "neutral",
  // p-retry is ESM-only; bundling it (≈2 KiB) lets the CommonJS build load on every Node >= 20.
  noExternal: ["p-retry", "is-network-error"],
});
