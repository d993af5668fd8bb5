import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
const projectRoot = path.resolve(import.meta.dirname, '..');
/** Project-local install folder for the CLI (git-ignored). */
export const localCliPath = path.join(projectRoot, '.temporal', 'bin', 'temporal');

const run = promisify(execFile);

async function onPath(name: string): Promise<string | null> {
  try {
    const { stdout } = await run('sh', ['-c', `command -v ${name}`]);
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/**
 * Finds the Temporal CLI: TEMPORAL_CLI_PATH, `temporal` on PATH, the project-local install;
 * otherwise builds it with `go install` into the project (the Go build cache makes a rebuild
 * quick). Returns null only when there is no Go either: the caller lets the SDK download it.
 */
export async function resolveTemporalCli(log: (line: string) => void = console.log): Promise<string | null> {
  const fromEnv = process.env.TEMPORAL_CLI_PATH?.trim();
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH points at ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  const found = (await onPath('temporal')) ?? (existsSync(localCliPath) ? localCliPath : null);
  if (found) return found;
  const go = await onPath('go');
  if (!go) return null;
  log(`Building the Temporal CLI (${TEMPORAL_CLI_MODULE}) with Go into .temporal/bin.`);
  log('The first build takes a few minutes; later builds reuse the Go build cache.');
  const started = Date.now();
  const ticker = setInterval(() => log(`  ...still building the Temporal CLI (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(go, ['install', TEMPORAL_CLI_MODULE], {
        env: { ...process.env, GOBIN: path.dirname(localCliPath) },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install ${TEMPORAL_CLI_MODULE} exited with ${code}`))));
    });
  } finally {
    clearInterval(ticker);
  }
  log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s.`);
  return localCliPath;
}
