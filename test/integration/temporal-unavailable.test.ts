import { Client, Connection } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { createHttpServer } from '../../client/http/server';
import { createDb } from '../../db/prisma-client';
import { freePort } from '../../dev/free-port';
import { makeInput } from '../support/application-input';

describe('when Temporal cannot be reached', () => {
  it('answers a start with 503 and a sentence, not a 500', async () => {
    const db = createDb(inject('databaseUrl'));
    // A lazy connection to a port nobody listens on: every call fails with gRPC UNAVAILABLE.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500 });
    const temporal = new Client({ connection });
    const server = createHttpServer({ db, temporal, taskQueue: 'nowhere' });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(makeInput()),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as any).error).toEqual({ code: 'UNAVAILABLE', message: 'The workflow service cannot be reached right now; try again shortly.' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await db.$disconnect();
    }
  });
});
