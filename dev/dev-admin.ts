import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Auth } from '../auth/create-auth';
import { createPeopleService } from '../auth/people';
import { storeKey } from '../client/cli/credentials';
import type { Db } from '../db/prisma-client';

const DEV_ADMIN_EMAIL = 'admin@k2flow.local';

/** The secret that signs session cookies on the embedded stack: made once, kept in the data folder. */
export async function devAuthSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'auth-secret');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim().length >= 32) return existing.trim();
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * How to sign in, as lines to print at start. On the embedded default a newcomer is never locked
 * out and never left open: the first start creates a development admin with a random password
 * (kept in the data folder, 0600) and an API key that the CLI on this machine uses for this
 * address. On a real database, the first admin is created on purpose (`k2flow users create-admin`).
 */
export async function signInLines({ db, auth, dataDir, publicUrl, embedded, showPassword = true }: { db: Db; auth: Auth; dataDir: string; publicUrl: string; embedded: boolean; /** False where the lines go to a log: passwords are never logged. */ showPassword?: boolean }): Promise<string[]> {
  const file = path.join(dataDir, 'dev-admin.txt');
  const hasAdmin = !!(await db.user.findFirst({ where: { role: 'admin' }, select: { id: true } }));
  if (!embedded) return hasAdmin ? [] : ['No admin yet: create one with `npx k2flow users create-admin --email … --name …` (see README).'];
  if (hasAdmin) return [`Sign in at ${publicUrl}/sign-in as ${DEV_ADMIN_EMAIL}; the password is in ${file}.`];
  const password = randomBytes(18).toString('base64url');
  const people = createPeopleService({ auth, db });
  const admin = await people.create({ email: DEV_ADMIN_EMAIL, name: 'Development admin', role: 'admin', office: 'k2', password }, 'npm start');
  await writeFile(file, `email: ${DEV_ADMIN_EMAIL}\npassword: ${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  const { key } = await people.issueKey(admin.id, { name: 'npm start (development)' }, 'npm start');
  const stored = await storeKey(publicUrl, key);
  return [
    showPassword ? `Created a development admin: sign in at ${publicUrl}/sign-in as ${DEV_ADMIN_EMAIL} with password ${password} (also in ${file}).` : `Created a development admin: sign in at ${publicUrl}/sign-in as ${DEV_ADMIN_EMAIL}; the password is in ${file}.`,
    `The CLI on this machine uses its API key for ${publicUrl} (stored in ${stored}).`,
  ];
}
