import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm ci` refuses a lockfile that lists an optional dependency without an entry for it.
describe('package-lock.json', () => {
  it('has an entry for every optional dependency, so npm ci accepts it (npm run lock:complete)', () => {
    const lock = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package-lock.json'), 'utf8'));
    const missing = Object.values<{ optionalDependencies?: Record<string, string> }>(lock.packages).flatMap((node) =>
      Object.keys(node.optionalDependencies ?? {}).filter((name) => !lock.packages[`node_modules/${name}`]),
    );
    expect(missing).toEqual([]);
  });
});
