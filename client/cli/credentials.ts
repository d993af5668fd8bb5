import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * API keys the CLI keeps per k2flow address, in the user's config directory, readable by the user
 * alone (0600). `k2flow login` writes one; K2FLOW_API_KEY, when set, wins over it.
 */
export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.K2FLOW_CONFIG_DIR?.trim() || path.join(env.XDG_CONFIG_HOME?.trim() || path.join(homedir(), '.config'), 'k2flow');
  return path.join(base, 'credentials.json');
}

type Stored = { servers: Record<string, { apiKey: string }> };

const normalise = (url: string) => url.replace(/\/+$/, '');

async function read(file: string): Promise<Stored> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Stored>;
    return { servers: parsed.servers ?? {} };
  } catch {
    return { servers: {} };
  }
}

export async function storedKey(url: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  return (await read(credentialsFile(env))).servers[normalise(url)]?.apiKey ?? null;
}

export async function storeKey(url: string, apiKey: string | null, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const file = credentialsFile(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const stored = await read(file);
  if (apiKey) stored.servers[normalise(url)] = { apiKey };
  else delete stored.servers[normalise(url)];
  await writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}
