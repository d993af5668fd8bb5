// Everything `npm start` and `npm test` need before they run: the generated Prisma client and
// the Temporal CLI. Idempotent and quick when both are already there.
import path from 'node:path';
import { generatePrismaClientIfStale } from './prisma-generate';
import { resolveTemporalCli } from './temporal-cli';

export async function prepare(log: (line: string) => void = console.log): Promise<{ temporalCli: string | null }> {
  generatePrismaClientIfStale();
  const temporalCli = await resolveTemporalCli(log);
  return { temporalCli };
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { temporalCli } = await prepare();
  console.log(`Prepared: Prisma client up to date; Temporal CLI: ${temporalCli ?? 'downloaded by the SDK when needed'}.`);
}
