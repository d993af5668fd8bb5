import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeAllocationInput, makeCooperationInput, makeInput } from '../support/application-input';
import { useChromium } from '../support/chromium';
import { useHarness, type Harness } from '../support/harness';

// The approver's pages as a Polish school director, a partner and a board member see them: in a
// real browser (Debian's Chromium through Playwright) with scripts off, since approvers need none.

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const browser = useChromium();

/** A fresh browser as a person in Poland would have it: no scripts, Polish preferred, Warsaw time. */
async function polishBrowser(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser().newContext({ javaScriptEnabled: false, locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
  return { context, page: await context.newPage() };
}

/** A person who chose no language: k2flow speaks Polish to them. */
const polish = <P extends { language?: 'pl' | 'en' }>({ language: _, ...person }: P) => person;

const confirmation = (id: string, unitKey: string) =>
  h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, unitKey, step: 'unit-confirmation' }, select: { status: true } }).then((r) => r.status);

describe("the approver's page in a real browser", () => {
  it('speaks Polish to a director by default, switches to English and back, and records the decision only on a button press', async () => {
    const base = makeInput({ units: 2 });
    const input = { ...base, units: base.units.map((u) => ({ ...u, approver: polish(u.approver) })) };
    const id = await api.startOk(input);
    const link = await api.linkFor(input.units[0]!.approver.email);
    const { context, page } = await polishBrowser();
    try {
      const opened = await page.goto(link);
      expect(opened?.status()).toBe(200);
      expect(await page.getAttribute('html', 'lang')).toBe('pl');
      await expect.poll(() => page.textContent('h1')).toBe('Prośba o akceptację');
      const body = (await page.textContent('body'))!;
      // Role names in words, the unit's project, the deadline in Warsaw time and Polish words.
      expect(body).toContain('dyrektor jednostki');
      expect(body).not.toContain('unit-approver');
      expect(body).toContain(input.units[0]!.projectReference);
      expect(body).toContain('(czasu warszawskiego)');
      expect(body).toMatch(/stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia/);
      // What each decision does, in one sentence each.
      expect(body).toContain('Odrzucenie wyłącza jednostkę z wniosku.');
      expect(body).toContain('Prośba o zmiany');
      // Opening it, and switching language, changed nothing.
      await page.click('a[hreflang="en"]');
      await expect.poll(() => page.textContent('h1')).toBe('Sign-off requested');
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      const english = (await page.textContent('body'))!;
      expect(english).toContain("unit's director");
      expect(english).toContain('Rejecting takes the unit out of the application.');
      expect(await confirmation(id, 'unit-1')).toBe('pending');

      await page.click('a[hreflang="pl"]');
      await expect.poll(() => page.textContent('h1')).toBe('Prośba o akceptację');
      // A rejection without the comment it needs comes back with the reason, in Polish.
      const refused = await Promise.all([page.waitForNavigation(), page.click('button[value="reject"]')]).then(([r]) => r);
      expect(refused?.status()).toBe(400);
      expect(await page.textContent('[role="alert"]')).toBe('Komentarz jest wymagany przy odrzuceniu i prośbie o zmiany.');
      expect(await confirmation(id, 'unit-1')).toBe('pending');

      await page.fill('#comment', 'Moduł pasuje do naszego projektu.');
      const accepted = await Promise.all([page.waitForNavigation(), page.click('button[value="approve"]')]).then(([r]) => r);
      expect(accepted?.status()).toBe(200);
      expect(await page.textContent('h1')).toBe('Decyzja zapisana');
      expect(await page.textContent('body')).toContain('„Akceptuję”');
      expect(await confirmation(id, 'unit-1')).toBe('approved');

      // Opening the link again shows what was recorded, and offers no buttons.
      await page.goto(link);
      expect(await page.textContent('h1')).toBe('Decyzja już zapisana');
      expect(await page.locator('button').count()).toBe(0);
      expect(await page.textContent('body')).toContain('Moduł pasuje do naszego projektu.');
    } finally {
      await context.close();
      await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
    }
  });

  it('says in Polish why a link no longer works', async () => {
    const base = makeInput({ units: 1 });
    const input = { ...base, units: base.units.map((u) => ({ ...u, approver: polish(u.approver) })) };
    const id = await api.startOk(input);
    const link = await api.linkFor(input.units[0]!.approver.email);
    expect((await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Nabór odwołano' })).status).toBe(200);
    const { context, page } = await polishBrowser();
    try {
      const closed = await page.goto(link);
      expect(closed?.status()).toBe(410);
      expect(await page.textContent('h1')).toBe('Prośba zamknięta');
      expect(await page.textContent('body')).toContain('Wniosek został wycofany');
      const unknown = await page.goto(`${link.slice(0, -6)}AAAAAA`);
      expect(unknown?.status()).toBe(403);
      expect(await page.textContent('h1')).toBe('Nieprawidłowy link');
    } finally {
      await context.close();
    }
  });

  it("shows a partner the step's other parties by name with their decisions", async () => {
    const base = makeCooperationInput({ units: 1 });
    const input = { ...base, units: base.units.map((u) => ({ ...u, approver: polish(u.approver) })), partners: { ksse: polish(base.partners.ksse), landster: polish(base.partners.landster) } };
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(input.partners.ksse.email), 'approve');
    const { context, page } = await polishBrowser();
    try {
      await page.goto(await api.linkFor(input.units[0]!.approver.email));
      const others = (await page.textContent('body'))!;
      expect(others).toContain('Pozostałe strony tego kroku');
      expect(others).toContain(`${input.partners.ksse.name} (KSSE): zaakceptowano`);
      expect(others).toContain(`${input.partners.landster.name} (doradca): czeka na decyzję`);
      expect(others).toContain('Krok zakończy się, gdy zdecydują wszystkie wymienione strony.');
    } finally {
      await context.close();
      await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
    }
  });

  it('shows a board member the allocation they vote on, and only how many others have voted', async () => {
    const base = makeAllocationInput({ units: 2, boardMembers: 3 });
    const input = { ...base, board: { members: base.board.members.map(polish) } };
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(input.board.members[1]!.email), 'approve');
    const { context, page } = await polishBrowser();
    try {
      await page.goto(await api.linkFor(input.board.members[0]!.email));
      const body = (await page.textContent('body'))!;
      expect(body).toContain('członek Zarządu ZIT');
      expect(body).toContain(input.promoter.name);
      expect(body).toContain(input.units.map((u) => u.name).join(', '));
      expect(body).toContain('Teacher training');
      expect(body).toContain('Zdecydowało 1 z 2 pozostałych stron.');
      expect(body).not.toContain(input.board.members[1]!.name);
      expect(body).toContain('Akceptacja jest głosem za; o wyniku decyduje większość.');
    } finally {
      await context.close();
      await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
    }
  });
});
