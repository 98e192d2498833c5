import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests run from source: the package's self-reference resolves to src, not dist.
    // (`validateResponses` loads lakebase-sdk/schemas, `createPool()` without a client lakebase-sdk/postgres, by name.)
    alias: {
      "lakebase-sdk/schemas": fileURLToPath(new URL("./src/schemas.ts", import.meta.url)),
      "lakebase-sdk/postgres": fileURLToPath(new URL("./src/postgres/index.ts", import.meta.url)),
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    testTimeout: 20_000,
    restoreMocks: true,
  },
});
