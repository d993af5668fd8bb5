import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { createIsolatedDatabase } from '../setup/test-database';
import { findSchemaDrift } from '../support/schema-drift';

const schemaPath = path.resolve(import.meta.dirname, '../../prisma/schema.prisma');
let database: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let client: pg.Client;
let schemaText: string;

beforeAll(async () => {
  database = await createIsolatedDatabase('k2flow_drift');
  await migrate(database.url);
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  schemaText = await readFile(schemaPath, 'utf8');
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe('prisma/migrations against prisma/schema.prisma', () => {
  it('produce exactly the tables, columns, types, nullability and indexes the schema declares', async () => {
    expect(await findSchemaDrift(client, schemaText, 'public')).toEqual([]);
  });

  // The check itself must be able to fail: each edit below is drift it has to report.
  it.each([
    ['a field added to the schema only', (s: string) => s.replace('  closedAt         DateTime?', '  closedAt         DateTime?\n  region           String'), 'column Application.region is in schema.prisma but not in the migrated database'],
    ['a field made optional in the schema only', (s: string) => s.replace('  title            String\n', '  title            String?\n'), 'column Application.title: schema.prisma says text null, the database has text not null'],
    ['a type changed in the schema only', (s: string) => s.replace('  round         Int\n', '  round         String\n'), 'column ApprovalRequest.round: schema.prisma says text not null, the database has integer not null'],
    ['an index dropped from the schema only', (s: string) => s.replace('  @@index([status])\n', ''), 'index Application(status) is in the migrated database but not in schema.prisma'],
    ['a uniqueness added in the schema only', (s: string) => s.replace('  @@index([approvalRequestId])\n', '  @@unique([approvalRequestId])\n'), 'index ApprovalToken(approvalRequestId): schema.prisma says unique, the database has non-unique'],
  ])('report %s', async (_name, edit, expected) => {
    const edited = edit(schemaText);
    expect(edited).not.toBe(schemaText);
    expect(await findSchemaDrift(client, edited, 'public')).toContain(expected);
  });
});
