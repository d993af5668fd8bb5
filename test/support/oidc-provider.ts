import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from '../../dev/free-port';

export interface OfficeAccount {
  email: string;
  name: string;
}

export type OidcTestProvider = Awaited<ReturnType<typeof startOidcProvider>>;

/**
 * A real OpenID Connect provider (panva's oidc-provider, a certified implementation) on a
 * loopback port, standing in for the office's Keycloak or Entra ID, with k2flow registered as a
 * confidential client whose sign-ins come back to `redirectUri`. Its development login form takes
 * any account id; `accounts` says which email and name each id has.
 */
export async function startOidcProvider(redirectUri: string) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'k2flow';
  const clientSecret = randomUUID();
  const accounts = new Map<string, OfficeAccount>();
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: [randomUUID()] },
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id);
      return account && { accountId: id, claims: async () => ({ sub: id, email: account.email, email_verified: true, name: account.name }) };
    },
  });
  const server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    settings: { issuer, clientId, clientSecret },
    accounts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
