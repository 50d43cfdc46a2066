import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["shared/**/*.test.ts", "server/**/*.test.ts", "client/**/*.test.ts", "bench/**/*.test.ts", "loadtest/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
