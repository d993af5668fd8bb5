// Everything `npm start` and `npm test` need before they run: the generated Prisma client, the
// Temporal CLI and the workflow bundle (and, for tests, MinIO). Idempotent and quick when all are already there.
import path from 'node:path';
import { generatePrismaClientIfStale } from './prisma-generate';
import { resolveTemporalCli } from './temporal-cli';
import { resolveMinio } from './minio';
import { ensureWorkflowBundle } from '../worker/workflow-bundle';

export async function prepare(log: (line: string) => void = console.log): Promise<{ temporalCli: string | null; workflowBundlePath: string }> {
  generatePrismaClientIfStale();
  const temporalCli = await resolveTemporalCli(log);
  const { codePath: workflowBundlePath } = await ensureWorkflowBundle({ log });
  return { temporalCli, workflowBundlePath };
}

// Run as a script by `npm test`, which also needs MinIO (the document store's S3 tests start one).
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const [{ temporalCli }, minio] = await Promise.all([prepare(), resolveMinio()]);
  console.log(`Prepared: Prisma client and workflow bundle up to date; Temporal CLI: ${temporalCli ?? 'downloaded by the SDK when needed'}; MinIO: ${minio ?? 'not available (no Go)'}.`);
}
