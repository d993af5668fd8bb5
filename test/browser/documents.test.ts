import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { signInOnPage, useChromium } from '../support/chromium';
import { pdfFile, sha256 } from '../support/documents';
import { useHarness, type Harness } from '../support/harness';
import { lookAt } from '../support/page-checks';
import { PASSWORD } from '../support/people';

// Documents as the coordinator and a director handle them in a real browser: attached through the
// application's page, read and downloaded on the director's page (no scripts), decided on.

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));
const browser = useChromium();

describe('documents in a real browser', () => {
  it('are attached on the application’s page, downloaded by the director through their link, and named in the decision', async () => {
    const base = makeInput({ units: 1 });
    const input = { ...base, units: base.units.map((u) => ({ ...u, approver: { name: u.approver.name, email: u.approver.email } })) };
    const id = await api.startOk(input);
    const content = pdfFile();

    const coordinator = await browser().newContext({ locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
    const page = await coordinator.newPage();
    await page.goto(`${h.baseUrl}/applications/${id}`);
    await signInOnPage(page, h.people.coordinator.email, PASSWORD);
    await page.click('details.document summary');
    await page.setInputFiles('input[name="file"]', { name: 'Opis modułu K2.pdf', mimeType: 'application/pdf', buffer: content });
    await page.fill('input[name="name"]', 'Opis modułu');
    await page.selectOption('select[name="attachTo"]', 'unit:unit-1');
    await Promise.all([page.waitForNavigation(), page.click('form[action*="/documents"] button[type="submit"]')]);
    expect(new URL(page.url()).searchParams.get('done')).toBe('document');
    const listed = (await page.textContent('table.documents'))!;
    expect(listed).toContain('Opis modułu');
    expect(listed).toContain(sha256(content));
    await lookAt(page, 'application-documents');
    // A file that is not what its name says comes back with the reason, in Polish.
    await page.click('details.document summary');
    await page.setInputFiles('input[name="file"]', { name: 'faktura.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ not a pdf at all') });
    await Promise.all([page.waitForNavigation(), page.click('form[action*="/documents"] button[type="submit"]')]);
    expect(await page.textContent('#document-notice')).toContain('Nie wykonano: treść pliku nie jest dokumentem PDF');
    await coordinator.close();

    const director = await browser().newContext({ locale: 'pl-PL', timezoneId: 'Europe/Warsaw', acceptDownloads: true });
    const approver = await director.newPage();
    await approver.goto(await api.linkFor(input.units[0]!.approver.email));
    const body = (await approver.textContent('body'))!;
    expect(body).toContain('Dokumenty');
    expect(body).toContain(sha256(content));
    await lookAt(approver, 'approval-documents');
    const [download] = await Promise.all([approver.waitForEvent('download'), approver.click('a[download]')]);
    expect(download.suggestedFilename()).toBe('Opis modułu K2.pdf');
    const fetched = await download.createReadStream().then(async (s) => Buffer.concat(await s.toArray()));
    expect(sha256(fetched)).toBe(sha256(content));
    await approver.fill('textarea[name="comment"]', 'Zapoznałem się z opisem');
    await Promise.all([approver.waitForNavigation(), approver.click('button[value="approve"]')]);
    expect(await approver.textContent('body')).toContain(sha256(content));
    await director.close();
    const request = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, step: 'unit-confirmation' } });
    expect(request.documents).toEqual([expect.objectContaining({ name: 'Opis modułu', sha256: sha256(content), version: 1 })]);
  });
});
