import { createAuth } from '../../auth/create-auth';
import type { AppConfig } from '../../config/app-config';
import type { Db } from '../../db/prisma-client';

/** The server's sign-in settings from configuration: better-auth, the cookie secret, OIDC when configured. */
export function authFromConfig(config: AppConfig, db: Db, secret: string) {
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret } = config;
  const oidc = issuer && clientId && clientSecret ? { issuer, clientId, clientSecret } : undefined;
  return {
    auth: createAuth({ db, secret, publicUrl: config.PUBLIC_URL, oidc }),
    secret,
    publicUrl: config.PUBLIC_URL,
    oidcEnabled: !!oidc,
    trustProxy: config.TRUST_PROXY,
  };
}
