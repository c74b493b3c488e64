import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of sibling workspaces, not their build output.
    alias: {
      '@sysray/proto': fileURLToPath(new URL('./proto/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: [
      'proto/test/**/*.test.ts',
      'agent/test/**/*.test.ts',
      'gateway/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
