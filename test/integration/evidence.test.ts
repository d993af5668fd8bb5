import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { appendAudit } from '../../activities/audit';
import { renderEvidencePdf } from '../../client/services/evidence-pdf';
import { verifyChain, type ChainedRecord } from '../../domain/audit-chain';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const bin = path.resolve(import.meta.dirname, '../../bin/k2flow.mjs');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'k2flow-evidence-'));
});

function k2flow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, K2FLOW_URL: h.baseUrl, K2FLOW_CONFIG_DIR: dir, K2FLOW_API_KEY: h.people.auditor.key } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** The text of a PDF, page after page, as a reader would copy it out. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({ data: bytes, useSystemFonts: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    pages.push(content.items.map((i) => ('str' in i ? i.str : '')).join(' '));
  }
  return pages.join('\n').replace(/\s+/g, ' ');
}

/** A PDF that prints `text`, with `attached` as its evidence.json when given. */
function pdfWith(text: string, attached?: unknown): Promise<Buffer> {
  const doc = new PDFDocument();
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.text(text);
  if (attached) doc.file(Buffer.from(JSON.stringify(attached)), { name: 'evidence.json', type: 'application/json' });
  doc.end();
  return done;
}

/** An application with a decision and a withdrawal on its trail. */
async function decidedApplication() {
  const input = makeInput({ units: 1 });
  const id = await api.startOk(input);
  expect((await api.decide(await api.linkFor(input.units[0]!.approver.email), 'approve')).status).toBe(200);
  await api.linkFor(input.coordinator.email);
  expect((await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Evidence test over' })).status).toBe(200);
  return id;
}

/** An application whose workflows have ended and whose emails are all delivered: nothing in its export changes any more. */
async function settledApplication() {
  const id = await decidedApplication();
  await api.result(id);
  await vi.waitFor(async () => expect(await h.db.outboxMessage.count({ where: { applicationId: id, status: { not: 'sent' } } })).toBe(0), { timeout: 20_000, interval: 100 });
  return id;
}

/** The text of the page that checks an uploaded export, as an auditor's browser posts the file. */
async function checkOnPage(file: Buffer | Uint8Array, name: string, lang: 'pl' | 'en' = 'pl') {
  const body = new FormData();
  body.append('export', new Blob([file]), name);
  const res = await fetch(`${h.baseUrl}/evidence/verify?lang=${lang}`, { method: 'POST', headers: { authorization: `Bearer ${h.people.auditor.key}` }, body });
  const text = (await res.text()).replace(/<style>[^<]*<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return { status: res.status, text: text.replace(/\s+/g, ' ') };
}

describe('evidence of an application', () => {
  it('exports everything with a hash-chained audit trail that the database and the export both verify', async () => {
    const id = await decidedApplication();
    const auditor = api.as('auditor');

    const exported = await auditor.getJson(`/api/applications/${id}/evidence.json`);
    expect(exported.status).toBe(200);
    const evidence = exported.body;
    expect(evidence.format).toBe('k2flow-evidence/1');
    expect(evidence.application.id).toBe(id);
    expect(evidence.requests.map((r: { status: string }) => r.status)).toContain('approved');
    expect(evidence.messages.length).toBeGreaterThan(0);
    expect(JSON.stringify(evidence.messages)).not.toContain('/approvals/'); // links are credentials
    expect(evidence.temporal[0].workflowId).toBe(id);
    const types = evidence.audit.map((r: ChainedRecord) => r.type);
    expect(types).toEqual(expect.arrayContaining(['application.started', 'approval.requested', 'approval.decided', 'application.withdrawn']));
    expect(evidence.audit.map((r: ChainedRecord) => r.seq)).toEqual(evidence.audit.map((_: unknown, i: number) => i + 1));
    expect(verifyChain(evidence.audit, evidence.chain.head)).toMatchObject({ intact: true, length: evidence.audit.length });
    expect(evidence.chain).toMatchObject({ intact: true, length: evidence.audit.length, head: evidence.audit.at(-1).hash });

    const csv = await fetch(`${h.baseUrl}/api/applications/${id}/evidence.csv`, { headers: { authorization: `Bearer ${h.people.auditor.key}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('seq,occurredAt,type,actor,actorName,authMethod,requestId,data,prevHash,hash');
    // The workflow may still be closing the application: records written since only extend the chain.
    expect(lines.length - 1).toBeGreaterThanOrEqual(evidence.audit.length);

    expect((await auditor.getJson(`/api/applications/${id}/audit/verify`)).body).toMatchObject({ intact: true });
    // Coordinators act on applications; evidence is for admins and auditors.
    expect((await api.getJson(`/api/applications/${id}/evidence.json`)).status).toBe(403);

    // The CLI saves an export and checks it offline...
    const file = path.join(dir, `${id}.json`);
    expect(await k2flow(['export', id, '--out', file])).toMatchObject({ code: 0 });
    const intact = await k2flow(['verify', file]);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('is intact');

    // ...and says which record was altered in a copy someone edited.
    const saved = JSON.parse(await readFile(file, 'utf8'));
    const decided = saved.audit.find((r: ChainedRecord) => r.type === 'approval.decided');
    decided.data.decision = 'reject';
    const edited = path.join(dir, `${id}-edited.json`);
    await writeFile(edited, JSON.stringify(saved));
    const altered = await k2flow(['verify', edited]);
    expect(altered.code).toBe(4);
    expect(altered.stdout).toContain(`record ${decided.seq} (approval.decided) was altered`);

    const notEvidence = path.join(dir, 'not-evidence.json');
    await writeFile(notEvidence, JSON.stringify({ hello: 'world' }));
    const refused = await k2flow(['verify', notEvidence]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not an evidence export k2flow can check');
  });

  it('prints the evidence as a PDF to file, in Polish by default: who decided, when, through which link and from where', async () => {
    const id = await decidedApplication();
    const res = await fetch(`${h.baseUrl}/api/applications/${id}/evidence.pdf`, { headers: { authorization: `Bearer ${h.people.auditor.key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    const text = await pdfText(bytes);
    const decided = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, status: 'approved' }, select: { partyName: true, partyEmail: true } });
    const decision = await h.db.auditEvent.findFirstOrThrow({ where: { applicationId: id, type: 'approval.decided' }, select: { data: true } });
    const via = (decision.data as { via: { tokenId: string; address: string } }).via;
    expect(text).toContain('Dowód przebiegu wniosku');
    expect(text).toContain(id);
    expect(text).toContain(`${decided.partyName} (dyrektor jednostki) <${decided.partyEmail}>: zaakceptowano`);
    expect(text).toContain(`przez link ${via.tokenId}, z adresu ${via.address}`);
    expect(text).toContain('(czasu warszawskiego)');
    expect(text).toContain('Łańcuch jest nienaruszony.');
    const verdict = (await api.as('auditor').getJson(`/api/applications/${id}/audit/verify`)).body;
    expect(text).toContain(verdict.head.slice(0, 16));

    const english = await fetch(`${h.baseUrl}/api/applications/${id}/evidence.pdf?lang=en`, { headers: { authorization: `Bearer ${h.people.auditor.key}` } });
    const englishText = await pdfText(new Uint8Array(await english.arrayBuffer()));
    expect(englishText).toContain('Evidence of an application');
    expect(englishText).toContain(`through link ${via.tokenId}, from address ${via.address}`);

    const file = path.join(dir, `${id}.pdf`);
    expect(await k2flow(['export', id, '--pdf', '--out', file])).toMatchObject({ code: 0 });
    expect(await pdfText(new Uint8Array(await readFile(file)))).toContain('Dowód przebiegu wniosku');
  });

  it('checks a filed PDF by the export it carries and the chain head it prints', async () => {
    const id = await decidedApplication();
    const file = path.join(dir, `${id}.pdf`);
    expect(await k2flow(['export', id, '--pdf', '--out', file])).toMatchObject({ code: 0 });
    const intact = await k2flow(['verify', file]);
    expect(intact).toMatchObject({ code: 0 });
    expect(intact.stdout).toContain('is intact');

    // A PDF printed from an export someone edited: the attached trail no longer fits its hashes.
    const evidence = (await api.as('auditor').getJson(`/api/applications/${id}/evidence.json`)).body;
    const edited = structuredClone(evidence);
    const decided = edited.audit.find((r: ChainedRecord) => r.type === 'approval.decided');
    decided.data.decision = 'reject';
    const forged = path.join(dir, `${id}-forged.pdf`);
    await writeFile(forged, await renderEvidencePdf(edited, 'pl'));
    const altered = await k2flow(['verify', forged]);
    expect(altered.code).toBe(4);
    expect(altered.stdout).toContain(`record ${decided.seq} (approval.decided) was altered`);

    // Pages that say something else than the export attached to them.
    const other = path.join(dir, `${id}-other-pages.pdf`);
    await writeFile(other, await pdfWith('Dowód przebiegu wniosku: głowa łańcucha 0000', evidence));
    const mismatch = await k2flow(['verify', other]);
    expect(mismatch.code).toBe(4);
    expect(mismatch.stdout).toContain("the PDF's pages do not print the head of the chain attached to it");

    // Any other PDF is not evidence.
    const plain = path.join(dir, 'plain.pdf');
    await writeFile(plain, await pdfWith('Faktura'));
    const refused = await k2flow(['verify', plain]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the PDF carries no evidence.json attachment');
  });

  it('compares the sections no hash covers with the database, on the page, and says offline that it checked the trail only', async () => {
    const id = await settledApplication();
    const evidence = (await api.as('auditor').getJson(`/api/applications/${id}/evidence.json`)).body;

    const untouched = await checkOnPage(Buffer.from(JSON.stringify(evidence)), 'evidence.json');
    expect(untouched.status).toBe(200);
    expect(untouched.text).toContain('Ślad audytu w eksporcie jest nienaruszony');
    expect(untouched.text).toContain('Zgadza się ze śladem w bazie danych');
    expect(untouched.text).toContain('Pozostałe części eksportu (wniosek, prośby i decyzje, dokumenty, wiadomości e-mail) zgadzają się z bazą danych');

    // The decision rewritten and the title changed; the audit trail left as it was.
    const forged = structuredClone(evidence);
    const at = forged.requests.findIndex((r: { status: string }) => r.status === 'approved');
    Object.assign(forged.requests[at], { status: 'rejected', comment: 'Sfałszowany sprzeciw', decidedByName: 'Ktoś Inny' });
    forged.application.title = 'Sfałszowany tytuł';
    const forgedJson = Buffer.from(JSON.stringify(forged));

    const polish = await checkOnPage(forgedJson, 'forged.json');
    expect(polish.status).toBe(200);
    expect(polish.text).toContain('Eksport NIE zgadza się z bazą danych');
    expect(polish.text).toContain('Pozostałe części eksportu NIE zgadzają się z bazą danych');
    expect(polish.text).toContain(`requests[${at}].status: w eksporcie "rejected", w bazie danych "approved"`);
    expect(polish.text).toContain(`requests[${at}].comment: w eksporcie "Sfałszowany sprzeciw"`);
    expect(polish.text).toContain(`requests[${at}].decidedByName`);
    expect(polish.text).toContain(`application.title: w eksporcie "Sfałszowany tytuł", w bazie danych ${JSON.stringify(evidence.application.title)}`);
    expect(polish.text).not.toContain('Pozostałe części eksportu (wniosek');

    const english = await checkOnPage(forgedJson, 'forged.json', 'en');
    expect(english.text).toContain('The export does NOT match the database');
    expect(english.text).toContain(`requests[${at}].status: in the export "rejected", in the database "approved"`);

    // The same forgery printed as a PDF: the export it carries is compared alike.
    const pdf = await checkOnPage(await renderEvidencePdf(forged, 'pl'), 'forged.pdf');
    expect(pdf.text).toContain(`requests[${at}].status: w eksporcie "rejected", w bazie danych "approved"`);
    expect(pdf.text).toContain('z jego stron sprawdzono tylko wydrukowaną głowę łańcucha, nie treść');

    // Offline there is no database: the CLI says what its check covers, and where to check the rest.
    const file = path.join(dir, `${id}-forged.json`);
    await writeFile(file, forgedJson);
    const offline = await k2flow(['verify', file]);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('its hash chain is internally consistent');
    expect(offline.stdout).toContain('Not checked offline: the application, its requests and decisions, documents and emails in the file');
    expect(offline.stdout).toContain('/evidence/verify');
  });

  it("finds a record altered in the database, on the API and in the CLI", async () => {
    const id = await decidedApplication();
    const auditor = api.as('auditor');
    expect((await auditor.getJson(`/api/applications/${id}/audit/verify`)).body).toMatchObject({ intact: true });
    const target = await h.db.auditEvent.findFirstOrThrow({ where: { applicationId: id, type: 'approval.decided' }, select: { seq: true } });
    // Someone with database access rewrites a decision.
    await h.db.$executeRaw`UPDATE "AuditEvent" SET "data" = jsonb_set("data", '{decision}', '"reject"') WHERE "applicationId" = ${id} AND "seq" = ${target.seq}`;

    const verdict = (await auditor.getJson(`/api/applications/${id}/audit/verify`)).body;
    expect(verdict).toMatchObject({ intact: false, brokenAt: target.seq });
    expect(verdict.reason).toContain('was altered');
    const cli = await k2flow(['verify', '--application', id]);
    expect(cli.code).toBe(4);
    expect(cli.stdout).toContain(`record ${target.seq} (approval.decided) was altered`);
  });

  it('keeps one unbroken chain when many writers append to one application at once', async () => {
    const id = await decidedApplication();
    const before = await h.db.auditEvent.count({ where: { applicationId: id } });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        appendAudit(h.db, [{ idempotencyKey: `concurrent:${id}:${i}:${randomUUID()}`, applicationId: id, type: 'test.concurrent', actor: 'system', data: { i }, occurredAt: new Date() }]),
      ),
    );
    const records = await h.db.auditEvent.findMany({ where: { applicationId: id }, orderBy: { seq: 'asc' } });
    expect(records).toHaveLength(before + 20);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    const chained = records.map((r) => ({ ...r, seq: r.seq!, hash: r.hash!, occurredAt: r.occurredAt.toISOString() }));
    expect(verifyChain(chained)).toMatchObject({ intact: true });
  });
});
