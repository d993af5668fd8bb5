import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A program k2flow's development and tests need, built from source with `go install` when it is not there. */
export interface GoTool {
  /** As people call it, e.g. "the Temporal CLI". */
  title: string;
  /** The executable's name, on PATH or in `folder`. */
  command: string;
  /** The module path and its pinned version, for `go install`. */
  module: string;
  /** The environment variable that names an executable to use instead. */
  pathVariable: string;
  /** The project-local folder it is built into (git-ignored). */
  folder: string;
  /** Whether one on PATH will do (a MinIO on PATH may be any release; ours is pinned). */
  takeFromPath: boolean;
}

export async function onPath(name: string): Promise<string | null> {
  try {
    const { stdout } = await run('sh', ['-c', `command -v ${name}`]);
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/**
 * Finds a Go-built tool: its path variable, PATH (where allowed), the project-local install;
 * otherwise builds it with `go install` into the project (the Go build and module caches in their
 * usual places make a rebuild take seconds). Returns null only when there is no Go either.
 */
export async function resolveGoTool(tool: GoTool, log: (line: string) => void = console.log): Promise<string | null> {
  const local = path.join(tool.folder, tool.command);
  const fromEnv = process.env[tool.pathVariable]?.trim();
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${tool.pathVariable} points at ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  const found = (tool.takeFromPath ? await onPath(tool.command) : null) ?? (existsSync(local) ? local : null);
  if (found) return found;
  const go = await onPath('go');
  if (!go) return null;
  log(`Building ${tool.title} (${tool.module}) with Go into ${path.relative(process.cwd(), tool.folder) || tool.folder}.`);
  log('The first build takes a few minutes; later builds reuse the Go build cache.');
  const started = Date.now();
  const ticker = setInterval(() => log(`  ...still building ${tool.title} (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(go, ['install', tool.module], { env: { ...process.env, GOBIN: tool.folder }, stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install ${tool.module} exited with ${code}`))));
    });
  } finally {
    clearInterval(ticker);
  }
  log(`${tool.title} built in ${Math.round((Date.now() - started) / 1000)} s.`);
  return local;
}
