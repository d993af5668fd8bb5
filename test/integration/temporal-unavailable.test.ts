import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createAuth } from '../../auth/create-auth';
import { createPeopleService } from '../../auth/people';
import { createHttpServer } from '../../client/http/server';
import { createDb } from '../../db/prisma-client';
import { freePort } from '../../dev/free-port';
import { makeInput } from '../support/application-input';

describe('when Temporal cannot be reached', () => {
  it('answers a start with 503, Retry-After and a sentence, not a 500', async () => {
    const db = createDb(inject('databaseUrl'));
    // A lazy connection to a port nobody listens on: every call fails with gRPC UNAVAILABLE.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500 });
    const temporal = new Client({ connection });
    const secret = randomUUID() + randomUUID();
    const port = await freePort();
    const auth = createAuth({ db, secret, publicUrl: `http://127.0.0.1:${port}` });
    const people = createPeopleService({ auth, db });
    const user = await people.create({ email: `unavailable-${randomUUID()}@k2flow.test`, name: 'Coordinator', role: 'coordinator', office: 'k2' });
    const { key } = await people.issueKey(user.id, { name: 'tests' });
    const server = await createHttpServer({ db, temporal, taskQueue: 'nowhere', auth, secret, publicUrl: `http://127.0.0.1:${port}` });
    await server.listen({ port, host: '127.0.0.1' });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(makeInput()),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as any).error).toMatchObject({ code: 'UNAVAILABLE', message: 'The workflow service cannot be reached right now; try again shortly.' });
    } finally {
      await server.close();
      await db.$disconnect();
    }
  });
});
