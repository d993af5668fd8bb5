import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeAllocationInput } from '../support/application-input';
import { signInOnPage, useChromium } from '../support/chromium';
import { useHarness, type Harness } from '../support/harness';
import { lookAt } from '../support/page-checks';
import { PASSWORD } from '../support/people';

// People changing while an application runs, as the coordinator and a board member do it in a
// real browser: a deputy named on the approver's own page and on the application's page, and a
// member replaced, whose old link then says so.

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));
const browser = useChromium();

/** Board members who chose no language: they read Polish. */
const polishBoard = () => {
  const input = makeAllocationInput({ units: 1, boardMembers: 3 });
  return { ...input, board: { members: input.board.members.map(({ name, email }) => ({ name, email })) } };
};

describe('deputies and replacements in a real browser', () => {
  it('a board member names a deputy on their own page; the coordinator names one and replaces a member on the application’s page', async () => {
    const input = polishBoard();
    const id = await api.startOk(input);
    const [first, second, third] = input.board.members;

    const member = await browser().newContext({ locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
    const own = await member.newPage();
    await own.goto(await api.linkFor(first!.email));
    await own.click('summary:has-text("Wskaż zastępcę")');
    await own.fill('input[name="name"]', 'Anna Zastępczyni');
    await own.fill('input[name="email"]', `deputy-${first!.email}`);
    await Promise.all([own.waitForNavigation(), own.click('form[action*="/deputy"] button')]);
    expect(await own.textContent('h1')).toBe('Zastępca wskazany');
    await lookAt(own, 'deputy-named');
    await member.close();
    await api.linkFor(`deputy-${first!.email}`);

    const coordinator = await browser().newContext({ locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
    const page = await coordinator.newPage();
    await page.goto(`${h.baseUrl}/applications/${id}`);
    await signInOnPage(page, h.people.coordinator.email, PASSWORD);
    await page.click('details.deputy summary');
    const secondRequest = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, partyEmail: second!.email } });
    await page.selectOption('details.deputy select[name="requestId"]', secondRequest.id);
    await page.fill('details.deputy input[name="name"]', 'Jan Zastępca');
    await page.fill('details.deputy input[name="email"]', `deputy-${second!.email}`);
    await Promise.all([page.waitForNavigation(), page.click('details.deputy button[type="submit"]')]);
    expect(new URL(page.url()).searchParams.get('done')).toBe('deputy');
    await api.linkFor(`deputy-${second!.email}`);

    const thirdLink = await api.linkFor(third!.email);
    await page.click('details.replace summary');
    await page.selectOption('details.replace select[name="email"]', third!.email);
    await page.fill('details.replace input[name="newName"]', 'Nowy Członek Zarządu');
    await page.fill('details.replace input[name="newEmail"]', `new-${third!.email}`);
    await Promise.all([page.waitForNavigation(), page.click('details.replace button[type="submit"]')]);
    expect(new URL(page.url()).searchParams.get('done')).toBe('replace');
    await lookAt(page, 'application-people');
    await coordinator.close();

    const former = await browser().newContext({ locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
    const old = await former.newPage();
    const answer = await old.goto(thirdLink);
    expect(answer?.status()).toBe(410);
    expect(await old.textContent('body')).toContain('przekazana innej osobie');
    await lookAt(old, 'link-passed-on');
    await former.close();
    await api.linkFor(`new-${third!.email}`);
    const audit = await h.db.auditEvent.findMany({ where: { applicationId: id, type: { in: ['deputy.named', 'person.replaced'] } }, select: { type: true, actor: true } });
    expect(audit.map((a) => a.type).sort()).toEqual(['deputy.named', 'deputy.named', 'person.replaced']);
  });
});
