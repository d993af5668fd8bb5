import { Client, Connection } from '@temporalio/client';
import { describe, expect, inject, it } from 'vitest';
import { createHttpServer } from '../../client/http/server';
import { createDb } from '../../db/prisma-client';
import { freePort } from '../../dev/free-port';
import { makeInput } from '../support/application-input';
import { personWithKey, testSignIn } from '../support/people';

describe('when Temporal cannot be reached', () => {
  it('answers a start with 503, Retry-After and a sentence, not a 500', async () => {
    const db = createDb(inject('databaseUrl'));
    // A lazy connection to a port nobody listens on: every call fails with gRPC UNAVAILABLE.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500 });
    const temporal = new Client({ connection });
    const port = await freePort();
    const { people, ...signIn } = testSignIn(db, `http://127.0.0.1:${port}`);
    const { key } = await personWithKey(people, 'coordinator', 'k2', 'unavailable');
    const server = await createHttpServer({ db, temporal, taskQueue: 'nowhere', ...signIn });
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
