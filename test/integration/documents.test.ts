import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { pdfFile, pngFile, sha256 } from '../support/documents';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const documentsOf = (html: string) => /name="documents" value="([^"]*)"/.exec(html)?.[1]?.split(',').filter(Boolean) ?? [];

describe('documents', () => {
  it('are attached as immutable versions, checked by content, and refused to the wrong people', async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    const module = pdfFile();
    const first = await api.attach(id, { name: 'opis-modułu.pdf', content: module }, { name: 'Opis modułu' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.version).toMatchObject({ version: 1, name: 'Opis modułu', fileName: 'opis-modułu.pdf', contentType: 'application/pdf', size: module.length, sha256: sha256(module), uploadedByName: expect.any(String) });

    // The same bytes again are the version already there; new bytes are version 2 of the same document.
    const again = await api.attach(id, { name: 'opis-modułu.pdf', content: module }, { documentId: first.body.version.documentId });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, version: { versionId: first.body.version.versionId } });
    const second = await api.attach(id, { name: 'opis-modułu-v2.pdf', content: pdfFile() }, { documentId: first.body.version.documentId });
    expect(second.body.version).toMatchObject({ version: 2, name: 'Opis modułu' });

    // The type is read from the content, not the name.
    const disguised = await api.attach(id, { name: 'invoice.pdf', content: Buffer.from('MZ\x90\x00 this is not a PDF') });
    expect(disguised.status).toBe(415);
    expect(disguised.body.error.message).toMatch(/takes PDF, DOCX, ODT/);
    expect((await api.attach(id, { name: 'empty.pdf', content: Buffer.alloc(0) })).status).toBe(400);
    expect((await api.attach(id, { name: 'x.png', content: pngFile() }, { unitKey: 'unit-9' })).status).toBe(400);
    expect((await api.attach(id, { name: 'x.png', content: pngFile() }, { stepId: 'no-such-step' })).status).toBe(400);
    expect((await api.attach(id, { name: 'x.png', content: pngFile() }, { documentId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    // Another office's coordinator is told there is no such application; an auditor may read but not attach.
    expect((await api.as('otherCoordinator').attach(id, { name: 'x.png', content: pngFile() })).status).toBe(404);
    expect((await api.as('auditor').attach(id, { name: 'x.png', content: pngFile() })).status).toBe(403);
    expect((await api.as('auditor').getJson(`/api/applications/${id}/documents`)).status).toBe(200);
    // JSON is not an upload.
    expect((await api.postJson(`/api/applications/${id}/documents`, { file: 'x' })).status).toBe(400);

    const listed = await api.getJson(`/api/applications/${id}/documents`);
    expect(listed.body.documents).toHaveLength(1);
    expect(listed.body.documents[0].versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const download = await fetch(new URL(`/api/applications/${id}/documents/${first.body.version.versionId}`, h.baseUrl), { headers: { authorization: `Bearer ${h.people.coordinator.key}` } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(module)).toBe(true);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    expect(download.headers.get('x-document-sha256')).toBe(sha256(module));
    const attached = await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'document.attached' } });
    expect(attached).toHaveLength(2);
    expect(attached[0]).toMatchObject({ actor: `user:${h.people.coordinator.id}`, authMethod: 'api-key' });
  });

  it('are listed to each party with their hashes, downloaded through the party’s own link, and a decision records the versions it was made on', async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    const module = pdfFile();
    const v1 = (await api.attach(id, { name: 'module.pdf', content: module })).body.version;
    const plan = (await api.attach(id, { name: 'plan.png', content: pngFile() }, { unitKey: 'unit-1' })).body.version;
    const review = (await api.attach(id, { name: 'review-notes.pdf', content: pdfFile() }, { stepId: 'coordinator-review' })).body.version;

    const link = await api.linkFor(input.units[0]!.approver.email);
    const otherLink = await api.linkFor(input.units[1]!.approver.email);
    const page = await api.open(link);
    expect(page.html).toContain(sha256(module));
    expect(page.html).toContain(plan.sha256);
    expect(page.html).not.toContain(review.sha256);
    expect(documentsOf(page.html).sort()).toEqual([v1.versionId, plan.versionId].sort());
    // The other unit's director sees the application's document, not this unit's.
    expect((await api.open(otherLink)).html).not.toContain(plan.sha256);

    const fetched = await fetch(`${link}/documents/${v1.versionId}`);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(module)).toBe(true);
    expect(fetched.headers.get('content-security-policy')).toContain('sandbox');
    expect((await fetch(`${otherLink}/documents/${plan.versionId}`)).status).toBe(404);
    expect((await fetch(`${link}/documents/${review.versionId}`)).status).toBe(404);
    expect((await fetch(`${link.slice(0, -3)}xyz/documents/${v1.versionId}`)).status).toBe(403);

    // A new version while the page is open: the decision made on the old page is refused and the page shown again.
    const v2 = (await api.attach(id, { name: 'module.pdf', content: pdfFile() }, { documentId: v1.documentId })).body.version;
    const stale = await fetch(link, { method: 'POST', body: new URLSearchParams({ decision: 'approve', documents: documentsOf(page.html).join(',') }) });
    expect(stale.status).toBe(409);
    const shownAgain = await stale.text();
    expect(shownAgain).toContain('The documents changed since this page was opened');
    expect(shownAgain).toContain(v2.sha256);
    expect(await h.db.approvalRequest.findFirst({ where: { applicationId: id, unitKey: 'unit-1', status: 'pending' } })).not.toBeNull();

    const decided = await api.decideOnPage(link, 'approve');
    expect(decided.status).toBe(200);
    expect(decided.html).toContain(v2.sha256);
    const request = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, unitKey: 'unit-1', step: 'unit-confirmation' } });
    expect(request.status).toBe('approved');
    const recorded = (request.documents as Array<{ versionId: string; sha256: string; version: number }>).map((d) => ({ versionId: d.versionId, sha256: d.sha256, version: d.version }));
    expect(recorded).toEqual(expect.arrayContaining([{ versionId: v2.versionId, sha256: v2.sha256, version: 2 }, { versionId: plan.versionId, sha256: plan.sha256, version: 1 }]));
    expect(recorded).toHaveLength(2);
    const audit = await h.db.auditEvent.findFirstOrThrow({ where: { applicationId: id, type: 'approval.decided', data: { path: ['requestId'], equals: request.id } } });
    expect((audit.data as { documents: unknown[] }).documents).toHaveLength(2);
    const downloads = await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'document.downloaded' } });
    expect(downloads.map((d) => (d.data as { document: { versionId: string } }).document.versionId)).toContain(v1.versionId);

    // The evidence lists every version with its hash and the decisions made on it.
    const evidence = (await api.as('admin').getJson(`/api/applications/${id}/evidence.json`)).body;
    const listed = evidence.documents.map((d: { versionId: string; sha256: string; decisions: Array<{ requestId: string }> }) => ({ versionId: d.versionId, sha256: d.sha256, decisions: d.decisions.map((x) => x.requestId) }));
    expect(listed).toEqual(
      expect.arrayContaining([
        { versionId: v1.versionId, sha256: v1.sha256, decisions: [] },
        { versionId: v2.versionId, sha256: v2.sha256, decisions: [request.id] },
        { versionId: plan.versionId, sha256: plan.sha256, decisions: [request.id] },
        { versionId: review.versionId, sha256: review.sha256, decisions: [] },
      ]),
    );
  });

  it('changed after a request for changes make a new round, and the parties see which changed', async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    const v1 = (await api.attach(id, { name: 'module.pdf', content: pdfFile() })).body.version;
    const director = input.units[0]!.approver.email;
    const asked = await api.decideOnPage(await api.linkFor(director), 'request-changes', 'Add the workshop hours');
    expect(asked.status).toBe(200);
    await expect.poll(async () => (await api.getJson(`/api/applications/${id}`)).body.state?.units?.[0]?.status, { timeout: 10_000 }).toBe('changes-requested');

    const v2 = (await api.attach(id, { name: 'module-with-hours.pdf', content: pdfFile() }, { documentId: v1.documentId })).body.version;
    expect((await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, { note: 'Workshop hours added to the module' })).status).toBe(200);

    const again = await api.linkFor(director, 2);
    const page = await api.open(again);
    expect(page.html).toContain('Round</dt><dd>2');
    expect(page.html).toContain('changed since the last round');
    expect(page.html).toContain('Workshop hours added to the module');
    expect(page.html).toContain(v2.sha256);
    expect(page.html).not.toContain(v1.sha256);
    expect((await api.decideOnPage(again, 'approve')).status).toBe(200);
    const rounds = await h.db.approvalRequest.findMany({ where: { applicationId: id, step: 'unit-confirmation' }, orderBy: { round: 'asc' }, select: { round: true, status: true, documents: true } });
    expect(rounds.map((r) => [r.round, r.status, (r.documents as Array<{ versionId: string }>).map((d) => d.versionId)])).toEqual([
      [1, 'changes-requested', [v1.versionId]],
      [2, 'approved', [v2.versionId]],
    ]);
  });
});

describe('documents under hostile input', () => {
  const raw = (id: string, body: string | Buffer, contentType: string) =>
    fetch(new URL(`/api/applications/${id}/documents`, h.baseUrl), { method: 'POST', headers: { authorization: `Bearer ${h.people.coordinator.key}`, 'content-type': contentType }, body });

  it('answers broken characters, malformed multipart and misplaced versions with 4xx, writing nothing', async () => {
    const id = await api.startOk(makeInput({ units: 1 }));
    expect((await api.attach(id, { name: 'a\u0000b.pdf', content: pdfFile() })).status).toBe(400);
    expect((await api.attach(id, { name: 'x.pdf', content: pdfFile() }, { name: `${'b'.repeat(199)}😀` })).status).toBe(201);
    const cutShort = `--XX\r\nContent-Disposition: form-data; name="file"; filename="t.pdf"\r\n\r\n%PDF-1.4`;
    expect((await raw(id, cutShort, 'multipart/form-data; boundary=XX')).status).toBe(400);
    expect((await raw(id, 'abc', 'multipart/form-data')).status).toBe(400);
    const wide = (await api.attach(id, { name: 'wide.pdf', content: pdfFile() })).body.version;
    const moved = await api.attach(id, { name: 'v2.pdf', content: pdfFile() }, { documentId: wide.documentId, unitKey: 'unit-1' });
    expect(moved.status).toBe(400);
    expect(await h.db.documentVersion.count({ where: { documentId: wide.documentId } })).toBe(1);
    const link = await api.linkFor((await h.db.application.findUniqueOrThrow({ where: { id }, select: { units: { select: { approverEmail: true } } } })).units[0]!.approverEmail);
    // A link checker's HEAD is no download.
    expect((await fetch(`${link}/documents/${wide.versionId}`, { method: 'HEAD' })).status).toBe(200);
    expect(await h.db.auditEvent.count({ where: { applicationId: id, type: 'document.downloaded' } })).toBe(0);
    // The coordinator's download is on the trail.
    await fetch(new URL(`/api/applications/${id}/documents/${wide.versionId}`, h.baseUrl), { headers: { authorization: `Bearer ${h.people.coordinator.key}` } });
    expect(await h.db.auditEvent.count({ where: { applicationId: id, type: 'document.downloaded', actor: `user:${h.people.coordinator.id}` } })).toBe(1);
  });
});
