import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../dev/free-port';

const run = promisify(execFile);

/** A database server of a test's own, which the test may stop and start again (an outage). */
export interface ThrowawayPostgres {
  /** 'postgresql': a real server made with initdb; 'pglite': the embedded one, where initdb cannot run. */
  kind: 'postgresql' | 'pglite';
  url: string;
  /** Connections the client should pool (PGlite serves one session). */
  maxConnections: number;
  /** Stops the server as an operator would; connections are cut, new ones refused. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

/**
 * A real PostgreSQL server in a temporary folder on a free loopback port, from this machine's
 * PostgreSQL binaries (run as the `postgres` user when the tests run as root, since initdb refuses
 * root); the embedded PGlite server when there are no binaries or they cannot run here.
 */
export async function startThrowawayPostgres(log: (line: string) => void = () => {}): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  if (bin) {
    try {
      return await startRealPostgres(bin);
    } catch (error) {
      log(`cannot run PostgreSQL from ${bin} (${(error as Error).message.split('\n')[0]}); using PGlite`);
    }
  }
  return startPglite();
}

/** The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl (Debian's layout). */
function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')) && existsSync(path.join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions.length ? path.join(root, versions[0]!, 'bin') : null;
}

async function startRealPostgres(bin: string): Promise<ThrowawayPostgres> {
  const asRoot = userInfo().uid === 0;
  const dir = await mkdtemp(path.join(tmpdir(), 'k2flow-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  let owner: { uid: number; gid: number } | null = null;
  if (asRoot) {
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    owner = { uid: Number(uid.trim()), gid: Number(gid.trim()) };
    await chown(dir, owner.uid, owner.gid);
  }
  // As root, each PostgreSQL command runs as the postgres user.
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { cwd: dir }) : run(path.join(bin, tool), args, { cwd: dir });

  try {
    await pg('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  let running = false;
  const start = async () => {
    try {
      await pg('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
    } catch (error) {
      const tail = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`${(error as Error).message}\n${tail.slice(-2000)}`);
    }
    running = true;
  };
  // "fast": what an operator's stop does; every session is ended and the server exits.
  const stop = async () => {
    await pg('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
    running = false;
  };
  try {
    await start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    kind: 'postgresql',
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    maxConnections: 5,
    stop,
    start,
    async destroy() {
      if (running) await pg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** PGlite behind its socket server (as in dev/embedded-postgres.ts), whose socket can be closed and reopened. */
async function startPglite(): Promise<ThrowawayPostgres> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  const port = await freePort();
  let server: InstanceType<typeof PGLiteSocketServer> | null = null;
  const start = async () => {
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 1 });
    await server.start();
  };
  await start();
  return {
    kind: 'pglite',
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    maxConnections: 1,
    async stop() {
      await server?.stop();
      server = null;
    },
    start,
    async destroy() {
      await server?.stop();
      await db.close();
    },
  };
}
