import pg from 'pg';

/** The PostgreSQL server the suites run on: DATABASE_URL, or this machine's local server. */
export const serverUrl = () => process.env.DATABASE_URL?.trim() || 'postgresql://postgres@127.0.0.1:5432/postgres';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Creates a database for one test run, empty or as a copy of `template` (a database nobody is
 * connected to: PostgreSQL copies it file by file, far quicker than migrating); returns its URL
 * and the function that drops it.
 */
export async function createIsolatedDatabase(prefix = 'k2flow_test', template?: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: serverUrl() });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`The tests need PostgreSQL at ${serverUrl().replace(/:[^:@/]+@/, ':***@')} (${(error as Error).message}). Start it, or set DATABASE_URL to a server where the user may create databases.`);
  }
  const name = `${prefix}_${Date.now()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  await admin.end();
  return {
    url: withDatabase(serverUrl(), name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
