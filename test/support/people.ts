import { randomUUID } from 'node:crypto';
import { createAuth, type OidcSettings } from '../../auth/create-auth';
import { createPeopleService, type PeopleService } from '../../auth/people';
import type { Role } from '../../auth/roles';
import type { Db } from '../../db/prisma-client';
import type { Logger } from '../../observability/logger';

export const PASSWORD = 'correct horse battery staple';

/** The sign-in settings of a test server at `publicUrl`: better-auth over the test database and a fresh secret. */
export function testSignIn(db: Db, publicUrl: string, oidc?: OidcSettings, logger?: Logger) {
  const secret = randomUUID() + randomUUID();
  const auth = createAuth({ db, secret, publicUrl, oidc, logger });
  return { auth, secret, publicUrl, oidcEnabled: !!oidc, people: createPeopleService({ auth, db }) };
}

/** A person with a unique email (suites share the database), the test password and an API key. */
export async function personWithKey(people: PeopleService, role: Role, office: string | undefined, name: string) {
  const tag = randomUUID().slice(0, 8);
  const user = await people.create({ email: `${name}-${tag}@k2flow.test`, name: `${name} ${tag}`, role, office, password: PASSWORD }, 'tests');
  const { key, id: keyId } = await people.issueKey(user.id, { name: 'tests' }, 'tests');
  return { ...user, key, keyId };
}
