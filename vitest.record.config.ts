import { defineConfig } from 'vitest/config';

// `npm run record-histories`: drives each variant on the real stack and saves event histories
// as replay fixtures (test/replay/histories). Not part of `npm test`.
export default defineConfig({
  test: {
    include: ['dev/record-histories/*.record.ts'],
    pool: 'forks',
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
