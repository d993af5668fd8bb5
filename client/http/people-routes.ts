import { z } from 'zod';
import { newApiKey, newPerson, type PeopleService } from '../../auth/people';
import { actorOf } from '../../auth/identity';
import { roleMay } from '../../auth/roles';
import { DomainError } from '../../domain/domain-error';
import { identityOf } from './guard';
import type { HttpApp } from './server';

const tags = ['people and keys'];
const onKey = z.object({ keyId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'is not a key id') });
const keyFor = z.object({ userId: z.string().max(100).optional().describe('Admins only: issue the key for this person.') });

/** Admins put people in k2flow; everyone signed in manages their own API keys, admins everyone's. */
export function addPeopleRoutes(app: HttpApp, people: PeopleService): void {
  app.get('/api/users', { config: { access: 'manage' }, schema: { summary: 'Everyone who may sign in, with role and office.', tags } }, async () => ({ users: await people.list() }));

  app.post('/api/users', { config: { access: 'manage', invalid: 'The person is invalid' }, schema: { summary: 'Put a person in k2flow (role, office, optional password).', tags, body: newPerson } }, async (request, reply) => {
    void reply.code(201);
    return { user: await people.create(request.body, actorOf(identityOf(request), request.id)) };
  });

  app.get('/api/keys', { config: { access: 'read' }, schema: { summary: 'API keys: your own, or (admins) everyone’s.', tags } }, async (request) => {
    const identity = identityOf(request);
    return { keys: await people.listKeys(roleMay(identity.role, 'manage') ? undefined : identity.userId) };
  });

  app.post(
    '/api/keys',
    { config: { access: 'read', invalid: 'The key request is invalid' }, schema: { summary: 'Issue an API key; the answer is the only time the key is shown.', tags, body: newApiKey.extend(keyFor.shape) } },
    async (request, reply) => {
      const identity = identityOf(request);
      const { userId, ...key } = request.body;
      if (userId && userId !== identity.userId && !roleMay(identity.role, 'manage')) throw new DomainError('FORBIDDEN', 'Only an admin may issue a key for someone else.');
      void reply.code(201);
      return { key: await people.issueKey(userId ?? identity.userId, key, actorOf(identity, request.id)) };
    },
  );

  app.post('/api/keys/:keyId/revoke', { config: { access: 'read' }, schema: { summary: 'Revoke an API key at once.', tags, params: onKey } }, async (request) => {
    const identity = identityOf(request);
    return { key: await people.revokeKey(request.params.keyId, { ...actorOf(identity, request.id), role: identity.role }) };
  });

  app.get(
    '/api/access-log',
    { config: { access: 'audit' }, schema: { summary: 'Who put people in k2flow and issued or revoked keys, newest first (admins and auditors).', tags, querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) } },
    async (request) => ({ events: await people.accessLog(request.query.limit) }),
  );
}
