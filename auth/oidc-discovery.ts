import { setTimeout as sleep } from 'node:timers/promises';

export const discoveryUrlOf = (issuer: string) => `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;

/**
 * Waits, within a bound, for the office's identity provider to publish its discovery document.
 * better-auth reads it once, when it starts; a provider it cannot reach then stays off until the
 * next restart with no sign of it but a log line. k2flow therefore starts only once the provider
 * answers, and refuses to start (a sentence, exit 1) when it does not within `withinMs`.
 */
export async function awaitOidcDiscovery(issuer: string, { withinMs = 30_000, everyMs = 1_000 } = {}): Promise<void> {
  const url = discoveryUrlOf(issuer);
  const until = Date.now() + withinMs;
  for (;;) {
    let problem: string;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000), headers: { accept: 'application/json' } });
      const document = response.ok ? ((await response.json()) as Record<string, unknown>) : null;
      if (document?.authorization_endpoint && document.token_endpoint && document.jwks_uri) return;
      problem = document ? 'its discovery document names no authorization_endpoint, token_endpoint or jwks_uri' : `HTTP ${response.status}`;
    } catch (error) {
      const e = error as { cause?: { code?: string }; message?: string };
      problem = e.cause?.code ?? e.message ?? String(error);
    }
    if (Date.now() >= until) {
      throw new Error(`The office's identity provider (OIDC_ISSUER=${issuer}) did not answer at ${url} (${problem}); k2flow does not start without it, since sign-in through it would stay off.`);
    }
    await sleep(everyMs);
  }
}
