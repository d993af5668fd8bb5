import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeAllocationInput, makeInput } from '../support/application-input';
import { signInOnPage, useChromium } from '../support/chromium';
import { useHarness, type Harness } from '../support/harness';
import { lookAt } from '../support/page-checks';
import { PASSWORD } from '../support/people';

// The list of applications as an admin and a coordinator use it: signed in through the page, in a
// real browser with scripts off (unless a test says otherwise), searching, filtering and paging.

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const browser = useChromium();

/** Opens `path` as `who`, signing in through the page it is sent to first. */
async function signedIn(who: 'admin' | 'coordinator' | 'otherCoordinator' | 'auditor', path: string, { scripts = false } = {}): Promise<Page> {
  const context = await browser().newContext({ javaScriptEnabled: scripts, locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
  const page = await context.newPage();
  await page.goto(`${h.baseUrl}${path}`);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await signInOnPage(page, h.people[who].email, PASSWORD);
  return page;
}

const rowTitles = (page: Page) => page.locator('tbody tr td:first-child a').allTextContents();

describe('the list of applications in a real browser', () => {
  it('lets an admin search, filter and page through every office’s applications, in Polish', async () => {
    const tag = `lista-${Date.now().toString(36)}`;
    const modules = await Promise.all([1, 2, 3, 4].map((n) => api.startOk({ ...makeInput({ units: 1 }), title: `${tag} moduł ${n}` })));
    const allocation = { ...makeAllocationInput({ units: 1, boardMembers: 1 }), title: `${tag} alokacja` };
    await api.startOk(allocation);
    // Overdue: a unit confirmation due in a second.
    const late = { ...makeInput({ units: 1, confirmWithinSeconds: 1, reviewWithinSeconds: 600 }), title: `${tag} spóźniony` };
    const lateId = await api.startOk(late);
    await api.linkFor(late.units[0]!.approver.email);
    await expect.poll(() => Date.now() > Date.parse(late.deadlines.unitConfirmation), { timeout: 10_000, interval: 100 }).toBe(true);

    const page = await signedIn('admin', `/applications?q=${tag}`);
    try {
      // Signed in and sent back to the list with the search it asked for.
      expect(new URL(page.url()).pathname).toBe('/applications');
      expect(await page.textContent('h1')).toBe('Wnioski');
      expect(await page.textContent('.counts')).toContain('Znaleziono wniosków: 6');
      expect(await page.textContent('.counts')).toContain('zbieranie akceptacji: 6');

      // Filter by variant with the form, as a person would.
      await page.selectOption('#variant', 'dedicated-zit-allocation');
      await Promise.all([page.waitForNavigation(), page.click('form.filters button[type="submit"]')]);
      expect(await rowTitles(page)).toEqual([allocation.title]);
      expect(await page.textContent('tbody')).toContain('Wyodrębniona alokacja ZIT z promotorem');

      // Search by a person's email finds their application.
      await page.goto(`${h.baseUrl}/applications?q=${encodeURIComponent(late.units[0]!.approver.email)}`);
      expect(await rowTitles(page)).toEqual([late.title]);

      // `_` and `%` are letters searched for, not wildcards: "lista_…" is not "lista-…".
      for (const q of [tag.replace('-', '_'), `${tag}%`]) {
        await page.goto(`${h.baseUrl}/applications?q=${encodeURIComponent(q)}`);
        expect(await rowTitles(page)).toEqual([]);
      }

      // Overdue: only the one whose deadline passed, marked so.
      await page.goto(`${h.baseUrl}/applications?q=${tag}&waiting=overdue`);
      expect(await rowTitles(page)).toEqual([late.title]);
      expect(await page.textContent('tbody')).toContain('(po terminie)');

      // Paging keeps the search and the page size.
      await page.goto(`${h.baseUrl}/applications?q=${tag}&size=5`);
      expect(await rowTitles(page)).toHaveLength(5);
      expect(await page.textContent('.paging')).toContain('Strona 1 z 2');
      await Promise.all([page.waitForNavigation(), page.click('a[rel="next"]')]);
      expect(await rowTitles(page)).toHaveLength(1);
      expect(await page.textContent('.paging')).toContain('Strona 2 z 2');

      // English, keeping the search.
      await Promise.all([page.waitForNavigation(), page.click('a[hreflang="en"]')]);
      expect(await page.textContent('h1')).toBe('Applications');
      expect(await page.textContent('.counts')).toContain('Applications found: 6');
    } finally {
      await page.context().close();
      for (const id of [...modules, lateId]) await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
    }
  });

  it("shows a coordinator only their office's applications", async () => {
    const input = { ...makeInput({ units: 1 }), title: `inne-biuro-${Date.now().toString(36)}` };
    const id = await api.startOk(input); // started in office k2
    const page = await signedIn('otherCoordinator', `/applications?q=${input.title}`);
    try {
      expect(await page.textContent('.counts')).toContain('Znaleziono wniosków: 0');
      expect(await page.textContent('body')).toContain('Żaden wniosek nie pasuje do tych filtrów.');
    } finally {
      await page.context().close();
      await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
    }
  });

  it("opens an application's history on one timeline: audit records and Temporal events, emails, the chain's verdict", async () => {
    const input = { ...makeInput({ units: 1 }), title: `historia-${Date.now().toString(36)}` };
    const id = await api.startOk(input);
    const link = await api.linkFor(input.units[0]!.approver.email);
    await api.open(link); // the director opens the page first, as people do
    await api.decide(link, 'approve', 'Zgoda dyrektora');
    await api.linkFor(input.coordinator.email);
    const page = await signedIn('admin', `/applications?q=${input.title}`);
    try {
      await Promise.all([page.waitForNavigation(), page.click(`a:has-text("${input.title}")`)]);
      expect(new URL(page.url()).pathname).toBe(`/applications/${id}`);
      expect(await page.textContent('h1')).toBe(input.title);
      expect(await page.textContent('.chain')).toContain('Ślad audytu jest nienaruszony');
      // The picture of the timeline: the stage's deadlines on a time axis, and today.
      const picture = (await page.textContent('figure.timeline-picture svg'))!;
      expect(picture).toContain('Potwierdzenie przez jednostki');
      expect(picture).toContain('Przegląd koordynatora');
      const timeline = (await page.textContent('.timeline'))!;
      expect(timeline).toContain('approval.decided');
      expect(timeline).toContain('WORKFLOW_EXECUTION_UPDATE_ACCEPTED — decide');
      expect(timeline).toContain('ACTIVITY_TASK_SCHEDULED — applyTransition');
      // An entry opens to its details without scripts.
      const decided = page.locator('li.audit details', { hasText: 'approval.decided' }).first();
      expect(await decided.locator('pre').isVisible()).toBe(false);
      await decided.locator('summary').click();
      expect(await decided.locator('pre').textContent()).toContain('Zgoda dyrektora');
      expect(await page.textContent('body')).toContain(input.units[0]!.approver.email); // the invitation in the emails table
      expect(await page.textContent('body')).toContain('link.opened');
      // The read itself is on the trail.
      expect(await h.db.auditEvent.count({ where: { applicationId: id, type: 'history.read' } })).toBeGreaterThan(0);

      // Someone rewrites a decision in the database: the page says so.
      await h.db.$executeRaw`UPDATE "AuditEvent" SET "data" = jsonb_set("data", '{comment}', '"Sprzeciw"') WHERE "applicationId" = ${id} AND "type" = 'approval.decided'`;
      await page.reload();
      expect(await page.textContent('.chain')).toContain('UWAGA: ślad audytu został zmieniony');
    } finally {
      await page.context().close();
      await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
    }
  });

  it("shows a coordinator's dashboard: whom each application waits for, missed deadlines first", async () => {
    const tag = `pulpit-${Date.now().toString(36)}`;
    const calm = { ...makeInput({ units: 1 }), title: `${tag} spokojny` };
    const late = { ...makeInput({ units: 1, confirmWithinSeconds: 1, reviewWithinSeconds: 600 }), title: `${tag} spóźniony` };
    const ids = [await api.startOk(calm), await api.startOk(late)];
    await Promise.all([api.linkFor(calm.units[0]!.approver.email), api.linkFor(late.units[0]!.approver.email)]);
    await expect.poll(() => Date.now() > Date.parse(late.deadlines.unitConfirmation), { timeout: 10_000, interval: 100 }).toBe(true);
    const page = await signedIn('coordinator', '/dashboard');
    try {
      expect(await page.textContent('h1')).toBe('Pulpit koordynatora');
      const titles = await page.locator('section.application h2').allTextContents();
      // The missed deadline comes before the one a month away.
      expect(titles.indexOf(late.title)).toBeGreaterThanOrEqual(0);
      expect(titles.indexOf(late.title)).toBeLessThan(titles.indexOf(calm.title));
      const lateSection = page.locator('section.application', { hasText: late.title });
      expect(await lateSection.textContent()).toContain(`${late.units[0]!.approver.name} (dyrektor jednostki) — ${late.units[0]!.name} — Potwierdzenie modułu przez jednostkę`);
      expect(await lateSection.textContent()).toContain('po terminie');
      expect(await page.textContent('.counts')).toMatch(/Po terminie: [1-9]/);
    } finally {
      await page.context().close();
      for (const id of ids) await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
    }
  });

  it("lets a coordinator act from the application's page: extend, add and remove a unit, withdraw, the irreversible ones only once confirmed", async () => {
    const input = { ...makeInput({ units: 2 }), title: `dzialania-${Date.now().toString(36)}` };
    const id = await api.startOk(input);
    await Promise.all(input.units.map((u) => api.linkFor(u.approver.email)));
    const page = await signedIn('coordinator', `/applications/${id}`);
    try {
      expect(await page.textContent('h2:has-text("Działania koordynatora")')).toBeTruthy();

      // Extend unit 1's deadline to a Warsaw wall-clock time.
      await page.click('details.extend > summary');
      const extend = page.locator('form.extend');
      await extend.locator('select[name="unitKey"]').selectOption('unit-1');
      await extend.locator('input[name="deadline"]').fill('2027-02-15T14:30');
      await Promise.all([page.waitForNavigation(), extend.locator('button').click()]);
      expect(await page.textContent('[role="status"]')).toContain('Termin przedłużono');
      const extended = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, unitKey: 'unit-1', status: 'pending' }, select: { deadline: true } });
      expect(extended.deadline.toISOString()).toBe('2027-02-15T13:30:00.000Z'); // 14:30 in Warsaw, winter time

      // Resubmitting work nobody sent back is refused in the page's words, k2flow's own sentence beside them.
      await page.click('details.resubmit > summary');
      const resubmit = page.locator('form.resubmit');
      await resubmit.locator('select[name="unitKey"]').selectOption('unit-1');
      const [refusedResubmit] = await Promise.all([page.waitForNavigation(), resubmit.locator('button').click()]);
      expect(refusedResubmit?.status()).toBe(409);
      expect(await page.textContent('[role="alert"]')).toContain('Nie wykonano: wniosek nie jest teraz w stanie, który na to pozwala');
      expect(await page.locator('[role="alert"] span[lang="en"]').count()).toBe(1);
      // The refused form comes back open, as it was filled in, with the refusal inside it.
      expect(await page.getAttribute('details.resubmit', 'open')).not.toBeNull();
      expect(await page.inputValue('form.resubmit select[name="unitKey"]')).toBe('unit-1');
      expect(await page.locator('details.resubmit [role="alert"]').count()).toBe(1);

      // A unit added from the page: a key already taken is refused beside the form, in Polish; then added.
      const addUnit = async (key: string) => {
        // Folded until opened; a refused form comes back open.
        if ((await page.getAttribute('details.add-unit', 'open')) === null) await page.click('details.add-unit > summary');
        const add = page.locator('form.add-unit');
        await add.locator('input[name="key"]').fill(key);
        await add.locator('input[name="name"]').fill('Technikum nr 7');
        await add.locator('input[name="projectReference"]').fill('RPSL.11.02.01-24-0777/16');
        await add.locator('input[name="approverName"]').fill('Dyrektor Siódmy');
        await add.locator('input[name="approverEmail"]').fill(`dyrektor-7-${id}@szkola.example.pl`);
        return Promise.all([page.waitForNavigation(), add.locator('button').click()]).then(([r]) => r);
      };
      const taken = await addUnit('Zły Klucz');
      expect(taken?.status()).toBe(400);
      expect(await page.textContent('[role="alert"]')).toContain('Klucz (np. zsp-1): Od 1 do 63 małych liter, cyfr lub myślników');
      expect((await addUnit('unit-7'))?.status()).toBe(200);
      expect(await page.textContent('[role="status"]')).toContain('Jednostkę dodano');
      expect((await api.mail(`dyrektor-7-${id}@szkola.example.pl`, /^Prośba o akceptację/)).text).toContain('Technikum nr 7');

      // Removing a unit cannot be undone: the form asks for a ticked confirmation, then does it.
      await page.click('details.remove-unit > summary');
      const remove = page.locator('form.remove-unit');
      expect(await remove.textContent()).toContain('Nieodwracalne');
      expect(await remove.locator('input[name="confirm"]').getAttribute('required')).not.toBeNull();
      await remove.locator('select[name="unitKey"]').selectOption('unit-2');
      await remove.locator('textarea[name="reason"]').fill('Szkoła wycofała się z partnerstwa');
      await remove.locator('input[name="confirm"]').check();
      await Promise.all([page.waitForNavigation(), remove.locator('button').click()]);
      expect(await page.textContent('[role="status"]')).toContain('Jednostkę usunięto');
      expect(await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, unitKey: 'unit-2' }, select: { status: true } })).toEqual({ status: 'removed' });

      // Auditors read a running application; they do not act on it.
      const auditor = await signedIn('auditor', `/applications/${id}`);
      expect(await auditor.textContent('h1')).toBe(input.title);
      expect(await auditor.locator('details.action').count()).toBe(0);
      await auditor.context().close();

      // A withdrawal posted without the confirmation (a tool, not this page) is refused on the page.
      const csrf = await page.locator('form.withdraw input[name="_csrf"]').getAttribute('value');
      const refused = await page.request.post(`${h.baseUrl}/applications/${id}/actions/withdraw`, { form: { _csrf: csrf!, reason: 'Bez potwierdzenia' } });
      expect(refused.status()).toBe(400);
      expect(await refused.text()).toContain('Zaznacz potwierdzenie: tej czynności nie można cofnąć.');
      expect((await h.db.application.findUniqueOrThrow({ where: { id }, select: { status: true } })).status).toBe('collecting-sign-offs');

      await page.click('details.withdraw > summary');
      const withdraw = page.locator('form.withdraw');
      await withdraw.locator('textarea[name="reason"]').fill('Nabór odwołano');
      await withdraw.locator('input[name="confirm"]').check();
      await Promise.all([page.waitForNavigation(), withdraw.locator('button').click()]);
      expect(await page.textContent('[role="status"]')).toContain('Wniosek wycofano');
      await expect.poll(async () => (await h.db.application.findUniqueOrThrow({ where: { id }, select: { status: true } })).status, { timeout: 10_000 }).toBe('withdrawn');
      await page.reload();
      expect(await page.locator('details.withdraw').count()).toBe(0); // nothing left to do
    } finally {
      await page.context().close();
    }
  });

  it('starts an application from the form: rows added without scripts, each problem beside its field, holidays shown', async () => {
    const tag = Date.now().toString(36);
    const page = await signedIn('coordinator', '/applications/new');
    try {
      await Promise.all([page.waitForNavigation(), page.click('a[href*="variant=module-in-existing-projects"]')]);
      const title = `Formularz ${tag}`;
      await page.fill('input[name="title"]', title);
      await page.fill('input[name="coordinator.name"]', 'Anna Koordynator');
      await page.fill('input[name="coordinator.email"]', `koordynator-${tag}@zit.example.pl`);
      // 25 December 2027 is a Saturday and Christmas: the calendar moves it to Monday the 27th.
      await page.fill('input[name="deadlines.unitConfirmation"]', '2027-12-25T15:00');
      await page.fill('input[name="deadlines.coordinatorReview"]', '2028-01-14T15:00');
      // Three rows to start with; a fourth without scripts.
      expect(await page.locator('fieldset.row.units').count()).toBe(3);
      await Promise.all([page.waitForNavigation(), page.click('button[name="_more"][value="units"]')]);
      expect(await page.locator('fieldset.row.units').count()).toBe(4);
      expect(await page.inputValue('input[name="title"]')).toBe(title); // kept
      // Rows 1 and 4 filled (2 and 3 stay empty and are left out); row 4's email is wrong.
      for (const [row, n] of [[0, 1], [3, 2]] as const) {
        await page.fill(`input[name="units.${row}.key"]`, `zs-${n}`);
        await page.fill(`input[name="units.${row}.name"]`, `Zespół Szkół nr ${n}`);
        await page.fill(`input[name="units.${row}.projectReference"]`, `RPSL.11.02.01-24-000${n}/16`);
        await page.fill(`input[name="units.${row}.approver.name"]`, `Dyrektor ${n}`);
        await page.fill(`input[name="units.${row}.approver.email"]`, n === 2 ? 'nie-email' : `dyrektor-${n}-${tag}@szkola.example.pl`);
      }
      const checked = await Promise.all([page.waitForNavigation(), page.click('button[value="check"]')]).then(([r]) => r);
      expect(checked?.status()).toBe(400);
      expect(await page.textContent('[id="units.3.approver.email-error"]')).toBe('To nie jest adres e-mail.');
      // The summary names the field as the form labels it, and leads to it.
      const problem = page.locator('[role="alert"] li', { hasText: 'Jednostki, wiersz 4: Dyrektor: e-mail' });
      expect(await problem.textContent()).toBe('Jednostki, wiersz 4: Dyrektor: e-mail: To nie jest adres e-mail.');
      expect(await problem.locator('a').getAttribute('href')).toBe('#units.3.approver.email');
      expect(await page.getAttribute('input[name="units.3.approver.email"]', 'aria-invalid')).toBe('true');
      expect(await page.textContent('.holiday')).toContain('zostanie przesunięty na poniedziałek, 27 grudnia 2027');

      await page.fill('input[name="units.3.approver.email"]', `dyrektor-2-${tag}@szkola.example.pl`);
      await Promise.all([page.waitForNavigation(), page.click('button[value="check"]')]);
      expect(await page.textContent('[role="status"]')).toContain('Wszystko się zgadza');
      expect(await h.db.application.count({ where: { title } })).toBe(0); // checking starts nothing

      await Promise.all([page.waitForNavigation(), page.click('button[value="start"]')]);
      const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);
      expect(await page.textContent('h1')).toBe(title);
      // The application runs: both directors are invited (Polish, the default).
      const invitation = await api.mail(`dyrektor-2-${tag}@szkola.example.pl`, /^Prośba o akceptację/);
      expect(invitation.text).toContain('Zespół Szkół nr 2');
      const started = await h.db.application.findUniqueOrThrow({ where: { id }, select: { office: true, units: { select: { unitKey: true }, orderBy: { unitKey: 'asc' } } } });
      expect(started).toEqual({ office: 'k2', units: [{ unitKey: 'zs-1' }, { unitKey: 'zs-2' }] });
      await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
    } finally {
      await page.context().close();
    }
  });

  it('adds rows in place where scripts run, posting the same fields as without them', async () => {
    const page = await signedIn('coordinator', '/applications/new?variant=dedicated-zit-allocation', { scripts: true });
    try {
      const answer = await page.goto(`${h.baseUrl}/applications/new?variant=dedicated-zit-allocation`);
      expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      expect(await page.locator('fieldset.row.board\\.members').count()).toBe(3);
      await page.click('button[name="_more"][value="board.members"]');
      await page.click('button[name="_more"][value="board.members"]');
      expect(requests).toEqual([]); // no round trip
      expect(await page.locator('fieldset.row.board\\.members').count()).toBe(5);
      expect(await page.inputValue('input[name="_rows.board.members"]')).toBe('5');
      expect(await page.textContent('fieldset.row.board\\.members:last-of-type legend')).toBe('Członkowie Zarządu ZIT, wiersz 5');
      // The new row is empty, named as the server names a fifth row, and has the focus.
      expect(await page.locator('input[name="board.members.4.email"]').inputValue()).toBe('');
      expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('board.members.4.name');
      await page.fill('input[name="board.members.4.email"]', 'nie-email');
      await page.fill('input[name="board.members.4.name"]', 'Piąty Członek');
      await Promise.all([page.waitForNavigation(), page.click('button[value="check"]')]);
      expect(await page.locator('fieldset.row.board\\.members').count()).toBe(5);
      expect(await page.textContent('[id="board.members.4.email-error"]')).toBe('To nie jest adres e-mail.');
      // The approver's pages run nothing.
      const approval = await fetch(`${h.baseUrl}/approvals/unknown.token`);
      expect(approval.headers.get('content-security-policy')).not.toContain('script-src');
    } finally {
      await page.context().close();
    }
  });

  it('keeps a half-written application as a draft, previews it once complete, and sends it once', async () => {
    const tag = Date.now().toString(36);
    const page = await signedIn('coordinator', '/applications/new?variant=individual-cooperation', { scripts: true });
    try {
      const title = `Szkic ${tag}`;
      await page.fill('input[name="title"]', title);
      await page.fill('input[name="coordinator.name"]', 'Anna Koordynator');
      await page.fill('input[name="coordinator.email"]', `koordynator-${tag}@zit.example.pl`);
      await page.fill('input[name="units.0.key"]', 'zs-1');
      await page.fill('input[name="units.0.name"]', `Zespół Szkół ${tag}`);
      await Promise.all([page.waitForNavigation(), page.click('button[value="draft"]')]);
      expect(new URL(page.url()).pathname).toMatch(/^\/drafts\/draft-/);
      const draftUrl = page.url();
      expect(await page.textContent('h1')).toBe(title);
      const problems = (await page.textContent('[role="alert"]'))!;
      expect(problems).toContain('Zanim szkic zostanie wysłany, trzeba poprawić:');
      expect(problems).toContain('Jednostki, wiersz 1: Dyrektor: e-mail: To nie jest adres e-mail.');
      expect(await page.locator('form.send').count()).toBe(0); // nothing to send yet
      await lookAt(page, 'draft-incomplete');

      // On the dashboard; back in the form, filled in as it was left.
      await page.goto(`${h.baseUrl}/dashboard`);
      await Promise.all([page.waitForNavigation(), page.click(`section.drafts a:has-text("${title}")`)]);
      await Promise.all([page.waitForNavigation(), page.click('a:has-text("Edytuj w formularzu")')]);
      expect(await page.inputValue('input[name="units.0.name"]')).toBe(`Zespół Szkół ${tag}`);
      await page.fill('input[name="units.0.approver.name"]', 'Dyrektor Pierwszy');
      await page.fill('input[name="units.0.approver.email"]', `dyrektor-${tag}@szkola.example.pl`);
      for (const [who, name] of [['ksse', 'KSSE'], ['landster', 'Landster']] as const) {
        await page.fill(`input[name="partners.${who}.name"]`, name);
        await page.fill(`input[name="partners.${who}.email"]`, `${who}-${tag}@partner.example.pl`);
      }
      await page.fill('input[name="deadlines.agreements"]', '2027-12-20T15:00');
      await Promise.all([page.waitForNavigation(), page.click('button[value="draft"]')]);
      expect(page.url()).toBe(draftUrl); // the same draft, changed
      expect(await page.textContent('[role="status"]')).toContain('Szkic jest kompletny');
      const preview = (await page.textContent('table.preview'))!;
      expect(preview).toContain('Porozumienie o współpracy');
      expect(preview).toContain('Dyrektor Pierwszy');
      expect(preview).toContain('KSSE');
      expect(preview).toContain('20.12.2027, 15:00');
      await lookAt(page, 'draft-ready');
      expect(h.mailbox.list().some((m) => m.to.includes(`dyrektor-${tag}@szkola.example.pl`))).toBe(false); // nothing sent yet

      await Promise.all([page.waitForNavigation(), page.click('form.send button')]);
      const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);
      expect(id).toMatch(/^app-/);
      expect((await api.mail(`dyrektor-${tag}@szkola.example.pl`, /^Prośba o akceptację/)).text).toContain(`Zespół Szkół ${tag}`);
      // Sent once: the draft now leads to its application, and is gone from the dashboard.
      await page.goto(draftUrl);
      expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/applications/${id}`);
      await page.goto(`${h.baseUrl}/dashboard`);
      expect(await page.locator(`section.drafts a:has-text("${title}")`).count()).toBe(0);
      await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });

      // A draft edited in the form and started from it: started as edited, and the draft sent.
      const input = { ...makeInput({ units: 1 }), title: `Szkic API ${tag}` };
      const other = (await api.postJson('/api/drafts', input)).body.id as string;
      await page.goto(`${h.baseUrl}/applications/new?variant=module-in-existing-projects&draft=${other}`);
      await page.fill('input[name="title"]', `Szkic API ${tag} (poprawiony)`);
      await Promise.all([page.waitForNavigation(), page.click('button[value="start"]')]);
      expect(await page.textContent('h1')).toBe(`Szkic API ${tag} (poprawiony)`);
      const started = await h.db.draft.findUniqueOrThrow({ where: { id: other }, select: { title: true, applicationId: true } });
      expect(started.title).toBe(`Szkic API ${tag} (poprawiony)`);
      expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/applications/${started.applicationId}`);
      await api.postJson(`/api/applications/${started.applicationId}/withdraw`, { reason: 'Test over' });
    } finally {
      await page.context().close();
    }
  });

  it('checks an uploaded evidence export against its own hashes and against the database', async () => {
    const input = { ...makeInput({ units: 1 }), title: `eksport-${Date.now().toString(36)}` };
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'approve', 'Zgoda');
    await api.linkFor(input.coordinator.email);
    const exported = (await api.as('auditor').getJson(`/api/applications/${id}/evidence.json`)).body;
    const upload = (name: string, content: unknown) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(content)) });
    const page = await signedIn('auditor', '/evidence/verify');
    const check = async (file: ReturnType<typeof upload>) => {
      await page.goto(`${h.baseUrl}/evidence/verify`);
      await page.setInputFiles('input[name="export"]', file);
      await Promise.all([page.waitForNavigation(), page.click('form button[type="submit"]')]);
      return (await page.textContent('body'))!;
    };
    try {
      expect(await page.textContent('h1')).toBe('Sprawdzenie eksportu dowodowego');
      const intact = await check(upload('evidence.json', exported));
      expect(intact).toContain('Ślad audytu w eksporcie jest nienaruszony');
      expect(intact).toContain('Zgadza się ze śladem w bazie danych');

      const edited = structuredClone(exported);
      edited.audit.find((r: { type: string }) => r.type === 'approval.decided').data.comment = 'Sprzeciw';
      expect(await check(upload('edited.json', edited))).toContain('Ślad audytu w eksporcie został zmieniony');

      expect(await check(upload('other.json', { hello: 'world' }))).toContain('To nie jest eksport dowodowy k2flow');

      // The export untouched, the database altered: the export no longer matches it.
      await h.db.$executeRaw`UPDATE "AuditEvent" SET "data" = jsonb_set("data", '{comment}', '"Sprzeciw"') WHERE "applicationId" = ${id} AND "type" = 'approval.decided'`;
      const afterDb = await check(upload('evidence.json', exported));
      expect(afterDb).toContain('Ślad audytu w eksporcie jest nienaruszony');
      expect(afterDb).toContain('NIE zgadza się ze śladem w bazie danych');
    } finally {
      await page.context().close();
      await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
    }
  });

  it('refuses to send a browser to another site after signing in', async () => {
    const csrf = await fetch(`${h.baseUrl}/sign-in`);
    const cookie = csrf.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(await csrf.text())![1]!;
    const res = await fetch(`${h.baseUrl}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: token, email: h.people.admin.email, password: PASSWORD, next: '//evil.example/phish' }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
  });
});
