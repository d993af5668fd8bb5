import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../db/migrate';
import { createIsolatedDatabase } from '../setup/test-database';

let database: Awaited<ReturnType<typeof createIsolatedDatabase>>;
beforeAll(async () => {
  database = await createIsolatedDatabase('k2flow_migrate');
});
afterAll(() => database?.drop());

async function query<T extends pg.QueryResultRow>(sql: string, schema: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${schema}"`);
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('the migration runner', () => {
  it("records each migration in Prisma's _prisma_migrations table with its checksum, once", async () => {
    const first = await migrate(database.url, { schema: 'runner_records' });
    const second = await migrate(database.url, { schema: 'runner_records' });
    const migrations = await readMigrations();
    expect(first.applied).toEqual(migrations.map((m) => m.name));
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied });
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations"',
      'runner_records',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(migrations.map((m) => [m.name, m.checksum, 1]));
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
  });

  it('rolls a failing migration back whole and names it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'k2flow-migrations-'));
    await mkdir(path.join(dir, '20260101000000_good'));
    await writeFile(path.join(dir, '20260101000000_good', 'migration.sql'), 'CREATE TABLE "Good" ("id" TEXT NOT NULL);');
    await mkdir(path.join(dir, '20260102000000_bad'));
    await writeFile(path.join(dir, '20260102000000_bad', 'migration.sql'), 'CREATE TABLE "Half" ("id" TEXT);\nSELECT no_such_function();');

    await expect(migrate(database.url, { dir, schema: 'runner_rollback' })).rejects.toThrow(/Migration 20260102000000_bad failed and was rolled back/);
    const tables = await query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'runner_rollback' ORDER BY table_name",
      'runner_rollback',
    );
    expect(tables.map((t) => t.table_name)).toEqual(['Good', '_prisma_migrations']);
    const recorded = await query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"', 'runner_rollback');
    expect(recorded.map((r) => r.migration_name)).toEqual(['20260101000000_good']);
  });
});
