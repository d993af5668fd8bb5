import { z } from 'zod';
import type { Db } from '../db/prisma-client';
import { userFields } from '../activities/audit';
import type { Actor } from '../domain/actor';
import type { Prisma } from '../generated/prisma/client';
import { DomainError, parseOrThrow } from '../domain/domain-error';
import { emailAddress } from '../domain/email-address';
import type { Auth } from './create-auth';
import { roleMay, roles, type Role } from './roles';

const officeKey = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a short key of lowercase letters, digits and hyphens, e.g. "zit-biuro"');

export const newPerson = z
  .object({
    email: emailAddress,
    name: z.string().trim().min(2, 'must be at least 2 characters').max(200),
    role: z.enum(roles, { message: `must be one of ${roles.join(', ')}` }),
    office: officeKey.optional(),
    /** Omitted for people who sign in only through the office's identity provider. */
    password: z.string().min(12, 'must be at least 12 characters').max(256).optional(),
  })
  .strict()
  .refine((p) => p.role !== 'coordinator' || !!p.office, { path: ['office'], message: 'is required for a coordinator' });

export const newApiKey = z
  .object({
    name: z.string().trim().min(1, 'must name what the key is for').max(100),
    /** Whole days; omitted for a key that does not expire. */
    expiresInDays: z.number().int().min(1).max(730).optional(),
  })
  .strict();

const personFields = { id: true, name: true, email: true, role: true, office: true, banned: true, createdAt: true } as const;
const keyFields = { id: true, name: true, start: true, referenceId: true, enabled: true, createdAt: true, expiresAt: true, lastRequest: true } as const;

const keyView = (k: { id: string; name: string | null; start: string | null; referenceId: string; enabled: boolean | null; createdAt: Date; expiresAt: Date | null; lastRequest: Date | null }) => ({
  id: k.id,
  name: k.name,
  /** The first characters, to recognise a key; the key itself is shown once, when issued. */
  start: k.start,
  userId: k.referenceId,
  revoked: k.enabled === false,
  createdAt: k.createdAt,
  expiresAt: k.expiresAt,
  lastUsedAt: k.lastRequest,
});

/**
 * Who did something to people or keys: the signed-in person (from an HTTP request), or, for the
 * few actions taken without one, where it came from ("k2flow users create-admin", "npm start").
 */
export type AccessActor = Actor | string;

/** People who sign in, and their API keys. Approvers are never people here: their link is their credential. */
export function createPeopleService({ auth, db }: { auth: Auth; db: Db }) {
  /** Records an action on people or keys with who took it (AccessEvent). */
  async function record(type: string, by: AccessActor, subject: string, data: Prisma.InputJsonValue) {
    const who = typeof by === 'string' ? { actor: by } : userFields(by);
    await db.accessEvent.create({ data: { type, ...who, subject, data } });
  }

  async function create(raw: unknown, by: AccessActor) {
    const person = parseOrThrow(newPerson, raw, 'The person is invalid');
    if (await db.user.findUnique({ where: { email: person.email }, select: { id: true } })) {
      throw new DomainError('CONFLICT', `Someone with the email ${person.email} already exists.`);
    }
    const { user } = await auth.api.createUser({ body: { email: person.email, name: person.name, password: person.password } });
    // Role and office are k2flow's own vocabulary, so they are set here rather than through the admin plugin's roles.
    const created = await db.user.update({ where: { id: user.id }, data: { role: person.role, office: person.office ?? null, emailVerified: true }, select: personFields });
    await record('person.created', by, `user:${created.id}`, { email: created.email, role: person.role, office: person.office ?? null, password: !!person.password });
    return created;
  }

  /** The newest actions on people and keys first, for admins and auditors. */
  const accessLog = (limit: number) => db.accessEvent.findMany({ orderBy: { occurredAt: 'desc' }, take: limit });

  const list = () => db.user.findMany({ select: personFields, orderBy: { email: 'asc' } });

  /** Issues a key acting as `userId`. The answer holds the only copy of the key k2flow will ever show. */
  async function issueKey(userId: string, raw: unknown, by: AccessActor) {
    const { name, expiresInDays } = parseOrThrow(newApiKey, raw, 'The key request is invalid');
    if (!(await db.user.findUnique({ where: { id: userId }, select: { id: true } }))) throw new DomainError('NOT_FOUND', `No person with id ${userId}.`);
    const created = await auth.api.createApiKey({ body: { userId, name, expiresIn: expiresInDays ? expiresInDays * 86_400 : null } });
    const row = await db.apikey.findUniqueOrThrow({ where: { id: created.id }, select: keyFields });
    await record('key.issued', by, `key:${row.id}`, { userId, name: row.name, expiresAt: row.expiresAt?.toISOString() ?? null });
    return { ...keyView(row), key: created.key };
  }

  async function listKeys(userId?: string) {
    const rows = await db.apikey.findMany({ where: userId ? { referenceId: userId } : {}, select: keyFields, orderBy: { createdAt: 'asc' } });
    return rows.map(keyView);
  }

  /**
   * Revokes a key at once: the next request that presents it is refused. The row stays, for the
   * record. People revoke their own keys; those who manage people revoke anyone's.
   */
  async function revokeKey(keyId: string, by: Actor & { role: Role }) {
    const owned = roleMay(by.role, 'manage') ? {} : { referenceId: by.userId };
    // One statement revokes and reads back; only a refusal asks which refusal it is.
    const [row] = await db.apikey.updateManyAndReturn({ where: { id: keyId, ...owned }, data: { enabled: false }, select: keyFields });
    if (!row) {
      const exists = await db.apikey.findUnique({ where: { id: keyId }, select: { id: true } });
      throw exists ? new DomainError('FORBIDDEN', 'Only an admin may revoke someone else’s key.') : new DomainError('NOT_FOUND', `No API key with id ${keyId}.`);
    }
    const revoked = keyView(row);
    await record('key.revoked', by, `key:${keyId}`, { userId: revoked.userId, name: revoked.name });
    return revoked;
  }

  return { create, list, issueKey, listKeys, revokeKey, accessLog };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
