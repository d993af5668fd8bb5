import pg from 'pg';

/** The PostgreSQL server the suites run on: DATABASE_URL, or this machine's local server. */
export const serverUrl = () => process.env.DATABASE_URL?.trim() || 'postgresql://postgres@127.0.0.1:5432/postgres';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates an empty database for one test run; returns its URL and the function that drops it. */
export async function createIsolatedDatabase(prefix = 'k2flow_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: serverUrl() });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`The tests need PostgreSQL at ${serverUrl().replace(/:[^:@/]+@/, ':***@')} (${(error as Error).message}). Start it, or set DATABASE_URL to a server where the user may create databases.`);
  }
  const name = `${prefix}_${Date.now()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    url: withDatabase(serverUrl(), name),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
