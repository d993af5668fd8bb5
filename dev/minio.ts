import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port';
import { resolveGoTool } from './go-tool';

/**
 * MinIO, the S3-compatible server the document store is tested against: pinned (its repository has
 * no release tags, so a pseudo-version), built with `go install` like the Temporal CLI.
 */
export const MINIO_MODULE = 'github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c';

export const resolveMinio = (log: (line: string) => void = console.log) =>
  resolveGoTool({ title: 'MinIO', command: 'minio', module: MINIO_MODULE, pathVariable: 'MINIO_PATH', folder: path.resolve(import.meta.dirname, '..', '.tools', 'bin'), takeFromPath: false }, log);

export interface RunningMinio {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/** Starts MinIO on a free port with a fresh data folder and waits until it says it is ready. */
export async function startMinio(binary: string): Promise<RunningMinio> {
  const [port, dataDir] = await Promise.all([freePort(), mkdtemp(path.join(tmpdir(), 'k2flow-minio-'))]);
  const accessKeyId = 'k2flow-test';
  const secretAccessKey = `k2flow-test-${port}-secret`;
  const child = spawn(binary, ['server', dataDir, '--address', `127.0.0.1:${port}`, '--quiet'], {
    env: { ...process.env, MINIO_ROOT_USER: accessKeyId, MINIO_ROOT_PASSWORD: secretAccessKey, MINIO_BROWSER: 'off' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`MinIO exited with ${child.exitCode} before it was ready: ${stderr}`);
    const ready = await fetch(`${endpoint}/minio/health/ready`).then((r) => r.ok, () => false);
    if (ready) return { endpoint, accessKeyId, secretAccessKey, stop };
    if (Date.now() > until) {
      await stop();
      throw new Error(`MinIO did not become ready within 30 s: ${stderr}`);
    }
    await sleep(50);
  }
}
