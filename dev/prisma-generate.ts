import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const projectRoot = path.resolve(import.meta.dirname, '..');

/**
 * Runs `prisma generate`. The CLI insists on locating a native schema engine first, which cannot
 * be downloaded on our machines; generation itself never runs it, so any executable will do.
 */
export function generatePrismaClient(): void {
  const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  const result = spawnSync(process.execPath, [cli, 'generate'], {
    cwd: projectRoot,
    env: { PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', ...process.env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`prisma generate failed:\n${result.stdout}\n${result.stderr}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  generatePrismaClient();
  console.log('Prisma client generated in generated/prisma.');
}
