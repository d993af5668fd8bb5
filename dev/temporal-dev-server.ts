import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { SearchAttributeType } from '@temporalio/common';
import { k2SearchAttributeKeys } from '../workflows/search-attributes';
import { assertPortFree } from './free-port';

/** How `temporal server start-dev --search-attribute` names each type. */
const cliTypeName: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export interface DevServerOptions {
  /** The CLI binary; null lets the Temporal SDK download it (where the internet is reachable). */
  cliPath: string | null;
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file that keeps Temporal's state across restarts; omit for in-memory. */
  dbFilename?: string;
  log?: (line: string) => void;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

/** Starts `temporal server start-dev` and resolves once its frontend answers. */
export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const { cliPath, port, uiPort, dbFilename, log = () => {} } = options;
  // Otherwise the readiness probe below could be answered by another server on the same port.
  await assertPortFree(port, 'the Temporal dev server', 'TEMPORAL_PORT');
  if (uiPort) await assertPortFree(uiPort, 'the Temporal Web UI', 'TEMPORAL_UI_PORT');
  if (!cliPath) return startDownloadedDevServer(options);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  args.push(...(uiPort ? ['--ui-port', String(uiPort)] : ['--headless']));
  if (dbFilename) args.push('--db-filename', dbFilename);
  // k2flow's search attributes (workflows/search-attributes.ts), as an operator registers them on a cluster.
  for (const key of k2SearchAttributeKeys) args.push('--search-attribute', `${key.name}=${cliTypeName[key.type]}`);
  const child = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output.join('').slice(-3000)}`);
  }
  log(`Temporal dev server ready at ${address}`);
  return { address, uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : null, stop: () => stopChild(child, exited) };
}

async function waitUntilServing(address: string, exited: Promise<number | null>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let processExit: number | null | undefined;
  void exited.then((code) => (processExit = code));
  while (Date.now() < deadline) {
    if (processExit !== undefined) throw new Error(`The Temporal dev server exited with code ${processExit} during start-up.`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`The Temporal dev server did not answer at ${address} within ${timeoutMs / 1000} s.`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function startDownloadedDevServer({ port, uiPort, dbFilename, log = () => {} }: DevServerOptions): Promise<RunningDevServer> {
  log('No Temporal CLI and no Go: letting the Temporal SDK download the CLI.');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { ip: '127.0.0.1', port, ui: !!uiPort, uiPort, dbFilename, executable: { type: 'cached-download' }, searchAttributes: k2SearchAttributeKeys },
  });
  return { address: env.address, uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : null, stop: () => env.teardown() };
}
