import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertOidcProviderReady, AUTH_BASE_PATH, OIDC_PROVIDER_ID } from '../../auth/create-auth';
import { awaitOidcDiscovery } from '../../auth/oidc-discovery';
import { freePort } from '../../dev/free-port';
import { makeInput } from '../support/application-input';
import { cookieBrowser } from '../support/browser';
import { useHarness, type Harness } from '../support/harness';
import { startOidcProvider, type OidcTestProvider } from '../support/oidc-provider';

let provider: OidcTestProvider;
let h: Harness;
let port: number;
beforeAll(async () => {
  port = await freePort();
  provider = await startOidcProvider(`http://127.0.0.1:${port}${AUTH_BASE_PATH}/callback/${OIDC_PROVIDER_ID}`);
});
useHarness(
  ({ h: started }) => assertOidcProviderReady((h = started).auth, provider.settings.issuer),
  () => ({ oidc: provider.settings, port }),
);
afterAll(() => provider?.close());

/** A person in a browser: opens k2flow's sign-in page, picks the office account, signs in at the provider and consents. */
async function signInThroughOffice(accountId: string) {
  const browser = cookieBrowser();
  const signInPage = await browser.follow(`${h.baseUrl}/sign-in`);
  expect(signInPage.response.status).toBe(200);
  const login = await browser.submit(signInPage.url, await signInPage.response.text(), /\/sign-in\/oidc$/);
  expect(login.url.origin, `the office button leads to the provider, not ${login.url} ${await login.response.clone().text()}`).toBe(provider.settings.issuer);
  const consent = await browser.submit(login.url, await login.response.text(), /\/interaction\//, { login: accountId, password: 'anything' });
  const back = await browser.submit(consent.url, await consent.response.text(), /\/interaction\//);
  return { browser, landed: back };
}

describe("sign-in through the office's OpenID Connect provider", () => {
  it('signs in a person k2flow knows, by their email, and audits their actions as OIDC', async () => {
    const coordinator = h.people.coordinator;
    provider.accounts.set('ewa', { email: coordinator.email, name: 'Ewa from the office directory' });
    const { browser, landed } = await signInThroughOffice('ewa');
    expect(landed.url.origin, 'the provider sends the browser back to k2flow').toBe(h.baseUrl);
    expect(landed.url.pathname).toBe('/');

    const session = await browser.send(`${h.baseUrl}/api/session`);
    expect(session.status).toBe(200);
    const { user, via, csrfToken } = (await session.json()) as { user: { id: string; role: string; office: string }; via: string; csrfToken: string };
    expect(user).toMatchObject({ id: coordinator.id, role: 'coordinator', office: 'k2' });
    expect(via).toBe('oidc');

    const started = await browser.send(`${h.baseUrl}/api/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify(makeInput({ units: 1 })),
    });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    await expect.poll(() => h.db.auditEvent.findFirst({ where: { applicationId: id, type: 'application.started' }, select: { actor: true, authMethod: true } }), { timeout: 20_000 }).toEqual({
      actor: `user:${coordinator.id}`,
      authMethod: 'oidc',
    });
    const linked = await h.db.account.findMany({ where: { userId: coordinator.id, providerId: OIDC_PROVIDER_ID }, select: { accountId: true } });
    expect(linked).toEqual([{ accountId: 'ewa' }]);
  });

  it('refuses a person the provider knows but no admin has put in k2flow, and creates nobody', async () => {
    const email = `stranger-${Date.now()}@office.test`;
    provider.accounts.set('stranger', { email, name: 'Someone from the directory' });
    const { browser, landed } = await signInThroughOffice('stranger');
    expect(landed.url.pathname).toBe('/sign-in');
    expect(landed.response.status).toBe(200);
    expect(await landed.response.text()).toContain('nie ma jeszcze konta w k2flow');
    expect(await h.db.user.findFirst({ where: { email } })).toBeNull();
    expect((await browser.send(`${h.baseUrl}/api/session`)).status).toBe(401);
  });

  it('will not start k2flow while the provider does not answer, with a sentence naming it', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    await expect(awaitOidcDiscovery(nobody, { withinMs: 300, everyMs: 100 })).rejects.toThrow(`The office's identity provider (OIDC_ISSUER=${nobody}) did not answer`);
    await expect(awaitOidcDiscovery(provider.settings.issuer, { withinMs: 300 })).resolves.toBeUndefined();
  });

  it('refuses to start an OIDC sign-in without the sign-in form (CSRF)', async () => {
    const res = await fetch(`${h.baseUrl}/sign-in/oidc`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '', redirect: 'manual' });
    expect(res.status).toBe(403);
  });
});
