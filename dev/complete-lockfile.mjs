// `npm run lock:complete`, after any `npm install` that changes package-lock.json.
//
// The registry our machines reach serves native packages for this platform only, so npm cannot
// record the other platforms' optional binaries (@swc/core-darwin-arm64, ...) in the lockfile,
// and `npm ci` then refuses the lockfile as out of sync. An entry naming the version and marked
// optional is all `npm ci` needs: it installs the binary for the platform it runs on and skips
// the others. test/unit/lockfile.test.ts fails when an entry is missing.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const file = path.resolve(import.meta.dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8'));
const added = [];
for (const node of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(node.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    lock.packages[key] = { version, optional: true, ...(node.dev ? { dev: true } : {}) };
    added.push(`${name}@${version}`);
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `Recorded ${added.length} other-platform optional packages in package-lock.json.` : 'package-lock.json is complete.');
