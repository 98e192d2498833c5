import { copyFileSync } from "node:fs";
import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    schemas: "src/schemas.ts",
    "auth/node": "src/auth/node.ts",
    emulator: "src/emulator/index.ts",
    "emulator-cli": "src/emulator/cli.ts",
    postgres: "src/postgres/index.ts",
  },
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
  // The emulator's PGlite engine forks this plain-JS worker; it ships as is next to the bundles.
  onSuccess: async () => {
    copyFileSync("src/emulator/postgres/pglite-worker.mjs", "dist/pglite-worker.mjs");
  },
});
