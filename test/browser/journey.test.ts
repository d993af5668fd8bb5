import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { signInOnPage, useChromium } from '../support/chromium';
import { useHarness, type Harness } from '../support/harness';
import { lookAt } from '../support/page-checks';
import { PASSWORD } from '../support/people';

// The whole job of each person, in a real browser: a coordinator starts a variant 2 application
// through the form, every party opens the link in their email and decides, and an admin finds the
// application by a unit's name, reads its timeline and files the PDF that `k2flow verify` accepts.
// Every page on the way is checked for accessibility and photographed, in Polish and in English
// (test-results/screenshots).

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const browser = useChromium();
const bin = path.resolve(import.meta.dirname, '../../bin/k2flow.mjs');
let downloads: string;
beforeAll(async () => {
  downloads = await mkdtemp(path.join(tmpdir(), 'k2flow-journey-'));
});

const tag = Date.now().toString(36);
const day = 24 * 3600_000;
/** A Warsaw wall-clock time `days` from now, as a datetime-local field takes it. */
const warsawLocal = (days: number) => new Date(Date.now() + days * day).toLocaleString('sv-SE', { timeZone: 'Europe/Warsaw' }).slice(0, 16).replace(' ', 'T');

const people = {
  coordinator: { name: 'Anna Nowak', email: `koordynator-${tag}@zit.example.pl` },
  promoter: { name: 'Katowicka SSE', email: `promotor-${tag}@ksse.example.pl` },
  board: [
    { name: 'Jan Kowalski', email: `zarzad-1-${tag}@zit.example.pl` },
    { name: 'Maria Wiśniewska', email: `zarzad-2-${tag}@zit.example.pl` },
    { name: 'Peter Green', email: `zarzad-3-${tag}@zit.example.pl`, language: 'en' },
  ],
  units: [
    { key: 'zs-gliwice', name: `Zespół Szkół Technicznych w Gliwicach ${tag}`, approver: { name: 'Ewa Dyrektor', email: `dyrektor-1-${tag}@szkola.example.pl` } },
    { key: 'ckziu-rybnik', name: `CKZiU w Rybniku ${tag}`, approver: { name: 'Piotr Dyrektor', email: `dyrektor-2-${tag}@szkola.example.pl` } },
  ],
  services: [
    { code: 'staze', name: 'Staże u pracodawców' },
    { code: 'szkolenia', name: 'Szkolenia nauczycieli' },
  ],
};

async function newContext(locale: 'pl-PL' | 'en-GB' = 'pl-PL'): Promise<BrowserContext> {
  return browser().newContext({ locale, timezoneId: 'Europe/Warsaw', acceptDownloads: true });
}

async function signIn(context: BrowserContext, email: string, path: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${h.baseUrl}${path}`);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await lookAt(page, 'sign-in');
  await signInOnPage(page, email, PASSWORD);
  return page;
}

/** Looks at the page in its own language, switches to the other one, looks again and switches back. */
async function lookInBothLanguages(page: Page, name: string): Promise<void> {
  await lookAt(page, name);
  const [first, second] = (await page.getAttribute('html', 'lang')) === 'pl' ? ['en', 'pl'] : ['pl', 'en'];
  for (const lang of [first, second]) {
    await Promise.all([page.waitForNavigation(), page.click(`a[hreflang="${lang}"]`)]);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    if (lang === first) await lookAt(page, name);
  }
}

/** A party opens the link in their email, looks at the page and presses the button. */
async function decideThroughEmail(email: string, name: string, decide: (page: Page) => Promise<void>): Promise<void> {
  const link = await api.linkFor(email);
  const context = await newContext();
  try {
    const page = await context.newPage();
    expect((await page.goto(link))?.status()).toBe(200);
    await lookInBothLanguages(page, name);
    await decide(page);
    expect(await page.textContent('h1')).toMatch(/^(Decyzja zapisana|Decision recorded)$/);
    await lookAt(page, `${name}-recorded`);
  } finally {
    await context.close();
  }
}

const press = async (page: Page, decision: string) => {
  const [answer] = await Promise.all([page.waitForNavigation(), page.click(`button[value="${decision}"]`)]);
  expect(answer?.status()).toBe(200);
};

const status = async (id: string) => (await h.db.application.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

function k2flow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, K2FLOW_URL: h.baseUrl, K2FLOW_CONFIG_DIR: downloads, K2FLOW_API_KEY: h.people.auditor.key } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('a variant 2 application from the form to the filed evidence, in a real browser', () => {
  let id: string;

  it('lets a coordinator sign in and start it through the form', async () => {
    const context = await newContext();
    try {
      const page = await signIn(context, h.people.coordinator.email, '/dashboard');
      expect(new URL(page.url()).pathname).toBe('/dashboard');
      await lookInBothLanguages(page, 'dashboard');

      await page.goto(`${h.baseUrl}/applications/new`);
      await lookInBothLanguages(page, 'start-choose-variant');
      await Promise.all([page.waitForNavigation(), page.click('a[href*="variant=dedicated-zit-allocation"]')]);
      // Checked empty first: every problem beside its field, the page still accessible.
      await Promise.all([page.waitForNavigation(), page.click('button[value="check"]')]);
      expect(await page.textContent('[id="title-error"]')).toBe('To pole jest wymagane.');
      expect(await page.locator('[role="alert"] li a[href="#deadlines.boardApproval"]').count()).toBe(1); // one problem per field
      await lookInBothLanguages(page, 'start-form-problems');
      await page.goto(`${h.baseUrl}/applications/new?variant=dedicated-zit-allocation&lang=pl`);
      await page.fill('input[name="title"]', `Alokacja K2 ${tag}`);
      await page.fill('input[name="coordinator.name"]', people.coordinator.name);
      await page.fill('input[name="coordinator.email"]', people.coordinator.email);
      const deadlines = { boardApproval: 10, declarations: 20, promoterSignature: 30, finalApproval: 40 };
      for (const [key, days] of Object.entries(deadlines)) await page.fill(`input[name="deadlines.${key}"]`, warsawLocal(days));
      await page.fill('input[name="promoter.name"]', people.promoter.name);
      await page.fill('input[name="promoter.email"]', people.promoter.email);
      for (const [i, u] of people.units.entries()) {
        await page.fill(`input[name="units.${i}.key"]`, u.key);
        await page.fill(`input[name="units.${i}.name"]`, u.name);
        await page.fill(`input[name="units.${i}.approver.name"]`, u.approver.name);
        await page.fill(`input[name="units.${i}.approver.email"]`, u.approver.email);
      }
      for (const [i, m] of people.board.entries()) {
        await page.fill(`input[name="board.members.${i}.name"]`, m.name);
        await page.fill(`input[name="board.members.${i}.email"]`, m.email);
        if (m.language) await page.selectOption(`select[name="board.members.${i}.language"]`, m.language);
      }
      for (const [i, s] of people.services.entries()) {
        await page.fill(`input[name="serviceCatalogue.${i}.code"]`, s.code);
        await page.fill(`input[name="serviceCatalogue.${i}.name"]`, s.name);
      }
      await Promise.all([page.waitForNavigation(), page.click('button[value="check"]')]);
      expect(await page.textContent('[role="status"]')).toContain('Wszystko się zgadza');
      await lookAt(page, 'start-form-checked');

      await Promise.all([page.waitForNavigation(), page.click('button[value="start"]')]);
      id = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);
      expect(await page.textContent('h1')).toBe(`Alokacja K2 ${tag}`);
      // Once the board is invited, the page shows whom the application waits for and when they will be reminded.
      await api.linkFor(people.board[0]!.email);
      await page.reload();
      const board = page.locator('section.steps table').first();
      expect(await page.textContent('section.steps h3')).toBe('Zarząd ZIT zatwierdza alokację (trwa)');
      for (const m of people.board) expect(await board.textContent()).toContain(m.name);
      expect(await board.locator('tbody tr').first().textContent()).toContain('czeka na decyzję');
      expect(await board.locator('tbody tr td:last-child').first().textContent()).not.toBe('—');
      await lookInBothLanguages(page, 'application-started');
    } finally {
      await context.close();
    }
  });

  it('lets every party decide through the link in their email, in their language', async () => {
    expect(id).toBeDefined();
    // The board: a majority approves; the member who chose English reads English.
    await decideThroughEmail(people.board[0]!.email, 'approver-board', async (page) => {
      await page.fill('#comment', 'Zarząd popiera alokację.');
      await press(page, 'approve');
    });
    await decideThroughEmail(people.board[2]!.email, 'approver-board-english', async (page) => {
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await press(page, 'approve');
    });
    // The majority has decided: the third member's link now says so, in their language.
    const closed = await newContext();
    try {
      const page = await closed.newPage();
      expect((await page.goto(await api.linkFor(people.board[1]!.email)))?.status()).toBe(410);
      await lookInBothLanguages(page, 'approver-link-closed');
    } finally {
      await closed.close();
    }
    // Each unit declares the services it wants.
    await decideThroughEmail(people.units[0]!.approver.email, 'approver-unit-declaration', async (page) => {
      await page.check('input[name="services"][value="staze"]');
      await page.check('input[name="services"][value="szkolenia"]');
      await press(page, 'declare');
    });
    await decideThroughEmail(people.units[1]!.approver.email, 'approver-unit-declaration-2', async (page) => {
      await page.check('input[name="services"][value="staze"]');
      await press(page, 'declare');
    });
    // The promoter signs, and the coordinator gives final approval from the link in their email.
    await decideThroughEmail(people.promoter.email, 'approver-promoter', (page) => press(page, 'approve'));
    await decideThroughEmail(people.coordinator.email, 'approver-final-approval', (page) => press(page, 'approve'));
    await expect.poll(() => status(id), { timeout: 20_000, interval: 200 }).toBe('submitted');
    const declared = await h.db.approvalRequest.findMany({ where: { applicationId: id, step: 'declaration' }, select: { formData: true } });
    expect(declared.map((r) => (r.formData as { services: string[] }).services.sort())).toEqual(expect.arrayContaining([['staze'], ['staze', 'szkolenia']]));
    // Seven parties' pages, each checked with axe and photographed in two languages: about 50 s alone, more beside other suites.
  }, 150_000);

  it("lets an admin find it by a unit's name, read its timeline and file a PDF that k2flow verify accepts", async () => {
    expect(await status(id)).toBe('submitted');
    const context = await newContext();
    try {
      const page = await signIn(context, h.people.admin.email, '/applications');
      await lookInBothLanguages(page, 'applications');
      await page.fill('#q', people.units[1]!.name);
      await Promise.all([page.waitForNavigation(), page.click('form.filters button[type="submit"]')]);
      expect(await page.locator('tbody tr td:first-child a').allTextContents()).toEqual([`Alokacja K2 ${tag}`]);
      await lookAt(page, 'applications-found');

      await Promise.all([page.waitForNavigation(), page.click(`a:has-text("Alokacja K2 ${tag}")`)]);
      expect(await page.textContent('h1')).toBe(`Alokacja K2 ${tag}`);
      expect(await page.textContent('.chain')).toContain('Ślad audytu jest nienaruszony');
      const timeline = (await page.textContent('.timeline'))!;
      expect(timeline).toContain('approval.decided');
      expect(timeline).toContain('WORKFLOW_EXECUTION_UPDATE_ACCEPTED — decide');
      // Each party's decision with its comment and the services declared, stage by stage and unit by unit.
      const steps = (await page.textContent('section.steps'))!;
      expect(steps).toContain('Zarząd popiera alokację.');
      expect(steps).toContain(`${people.units[0]!.name} (zakończona pomyślnie)`);
      expect(steps).toContain('usługi: staze, szkolenia');
      expect(steps).toContain('Podpis promotora');
      await lookInBothLanguages(page, 'application-history');

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href$="evidence.pdf?lang=pl"]')]);
      const pdf = path.join(downloads, download.suggestedFilename());
      await download.saveAs(pdf);
      expect(path.basename(pdf)).toBe(`${id}-evidence.pdf`);
      const verified = await k2flow(['verify', pdf]);
      expect(verified, verified.stderr).toMatchObject({ code: 0 });
      expect(verified.stdout).toContain('is intact');

      // The same PDF on the page that checks evidence, against the database's trail.
      await page.goto(`${h.baseUrl}/evidence/verify`);
      await lookInBothLanguages(page, 'evidence-verify');
      await page.setInputFiles('input[name="export"]', pdf);
      await Promise.all([page.waitForNavigation(), page.click('form button[type="submit"]')]);
      const verdict = (await page.textContent('body'))!;
      expect(verdict).toContain('Ślad audytu w eksporcie jest nienaruszony');
      expect(verdict).toContain('Zgadza się ze śladem w bazie danych');
      await lookAt(page, 'evidence-verified');
    } finally {
      await context.close();
    }
  });
});
