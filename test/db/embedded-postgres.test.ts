import { describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { createDb } from '../../db/prisma-client';
import { startEmbeddedPostgres } from '../../dev/embedded-postgres';

describe('the embedded PostgreSQL (PGlite) that npm start uses without DATABASE_URL', () => {
  it('takes the migrations and serves Prisma over its socket like a real server', async () => {
    const pglite = await startEmbeddedPostgres();
    const db = createDb(pglite.databaseUrl, { maxConnections: 1 });
    try {
      expect((await migrate(pglite.databaseUrl)).applied.length).toBeGreaterThan(0);
      await db.application.create({
        data: { id: 'app-embedded', variant: 'module-in-existing-projects', title: 'Embedded', status: 'collecting-sign-offs', coordinatorName: 'C', coordinatorEmail: 'c@example.pl', input: { units: [] } },
      });
      await db.$transaction(async (tx) => {
        await tx.auditEvent.createMany({
          data: [{ idempotencyKey: 'k1', applicationId: 'app-embedded', type: 'application.started', actor: 'system', data: {} }],
          skipDuplicates: true,
        });
      });
      const row = await db.application.findUniqueOrThrow({ where: { id: 'app-embedded' }, select: { title: true, auditEvents: { select: { type: true } } } });
      expect(row).toEqual({ title: 'Embedded', auditEvents: [{ type: 'application.started' }] });
    } finally {
      await db.$disconnect();
      await pglite.stop();
    }
  });
});
