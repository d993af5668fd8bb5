import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
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

/** Generates only when the client is missing or older than the schema it comes from. */
export function generatePrismaClientIfStale(): boolean {
  const schema = path.join(projectRoot, 'prisma', 'schema.prisma');
  const client = path.join(projectRoot, 'generated', 'prisma', 'client.ts');
  if (existsSync(client) && statSync(client).mtimeMs >= statSync(schema).mtimeMs) return false;
  generatePrismaClient();
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  generatePrismaClient();
  console.log('Prisma client generated in generated/prisma.');
}
