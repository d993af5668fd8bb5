import { assertOidcProviderReady, createAuth } from '../../auth/create-auth';
import { awaitOidcDiscovery } from '../../auth/oidc-discovery';
import type { ServerConfig } from '../../config/app-config';
import type { Db } from '../../db/prisma-client';
import type { Logger } from '../../observability/logger';

/**
 * The server's sign-in settings from configuration: better-auth, the cookie secret, and the
 * office's OpenID Connect provider when configured (waited for: see awaitOidcDiscovery).
 */
export async function authFromConfig(config: Pick<ServerConfig, 'OIDC_ISSUER' | 'OIDC_CLIENT_ID' | 'OIDC_CLIENT_SECRET' | 'PUBLIC_URL' | 'TRUST_PROXY'>, db: Db, secret: string, logger?: Logger) {
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret } = config;
  const oidc = issuer && clientId && clientSecret ? { issuer, clientId, clientSecret } : undefined;
  if (oidc) await awaitOidcDiscovery(oidc.issuer);
  const auth = createAuth({ db, secret, publicUrl: config.PUBLIC_URL, oidc, logger });
  if (oidc) await assertOidcProviderReady(auth, oidc.issuer);
  return {
    auth,
    secret,
    publicUrl: config.PUBLIC_URL,
    oidcEnabled: !!oidc,
    trustProxy: config.TRUST_PROXY,
  };
}
