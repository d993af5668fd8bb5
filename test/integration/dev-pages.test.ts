import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

// The home page and the development mailbox read as every other page does: Polish unless the
// reader chooses English, times in Warsaw time (found by an independent trial of the pages).

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const pageAs = async (path: string, key: string | null, headers: Record<string, string> = {}) => {
  const res = await fetch(`${h.baseUrl}${path}`, { headers: { accept: 'text/html', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });
  return { status: res.status, html: await res.text() };
};

describe('pages around the product', () => {
  it('show the home page in Polish, or in English when chosen', async () => {
    const home = await pageAs('/', null);
    expect(home.status).toBe(200);
    expect(home.html).toContain('<html lang="pl">');
    expect(home.html).toContain('Wspólne wnioski o dofinansowanie');
    expect(home.html).toContain('<a href="/dashboard?lang=pl">Pulpit koordynatora</a>');
    const english = await pageAs('/?lang=en', null, { 'accept-language': 'pl' });
    expect(english.html).toContain('<html lang="en">');
    expect(english.html).toContain('Coordinator&#39;s dashboard');
  });

  it('show admins the development mailbox in Polish with Warsaw times, and nobody else', async () => {
    const input = makeInput();
    await api.startOk(input);
    const mail = await api.mail(input.units[0]!.approver.email, /./);
    const listed = await pageAs('/dev/mailbox', h.people.admin.key);
    expect(listed.status).toBe(200);
    expect(listed.html).toContain('<html lang="pl">');
    expect(listed.html).toContain('Skrzynka deweloperska');
    expect(listed.html).toContain('czasem warszawskim');
    expect(listed.html).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/); // no ISO moments in UTC
    expect(listed.html).toMatch(/<td>\d{1,2}\.\d\d\.\d{4}, \d\d:\d\d:\d\d<\/td>/);
    const id = /<a href="\/dev\/mailbox\/([^?"]+)\?lang=pl">/.exec(listed.html)?.[1];
    expect(id).toBeDefined();
    const one = await pageAs(`/dev/mailbox/${id}`, h.people.admin.key);
    expect(one.html).toContain('wróć do skrzynki');
    expect(one.html).toContain(mail.subject.replace(/&/g, '&amp;'));
    const inEnglish = await pageAs('/dev/mailbox?lang=en', h.people.admin.key);
    expect(inEnglish.html).toContain('Development mailbox');
    expect(inEnglish.html).toContain('Warsaw time');
    const missing = await pageAs('/dev/mailbox/no-such-message', h.people.admin.key);
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('Nie ma wiadomości no-such-message.');
    // Every approver's link is in it: a coordinator may not read it.
    expect((await pageAs('/dev/mailbox', h.people.coordinator.key)).status).toBe(403);
  });
});
