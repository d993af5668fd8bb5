import pg from 'pg';

/**
 * Holds a lock on a table from a session of its own, as a migration's ALTER TABLE or an operator's
 * LOCK TABLE would, until `release`: what k2flow does meanwhile is what the test looks at.
 */
export async function holdTableLock(databaseUrl: string, table: string, mode: 'EXCLUSIVE' | 'ACCESS EXCLUSIVE' = 'EXCLUSIVE') {
  const session = new pg.Client({ connectionString: databaseUrl });
  await session.connect();
  await session.query('BEGIN');
  await session.query(`LOCK TABLE "${table}" IN ${mode} MODE`);
  return {
    async release() {
      await session.query('ROLLBACK').catch(() => {});
      await session.end();
    },
  };
}
