import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { messagesFor, roleName, statusName, stepName, unitStatusName, wordFor } from '../../i18n/messages';
import { formatDeadline, type Lang } from '../../mail/html';
import type { EvidenceExport } from './evidence';
import { EVIDENCE_ATTACHMENT } from './evidence-file';
import { sizeText } from '../../i18n/size-text';

// The evidence a person files: the application, every decision with who, when, through which link
// and from which address, the requests closed without one, every email, the Temporal history in
// summary and the audit chain's head, with the JSON export attached. pdfkit (a maintained PDF writer) with DejaVu Sans embedded
// from npm, so Polish letters print on any machine.

const fonts = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

interface DecidedVia {
  tokenId: string;
  address: string;
}

export function renderEvidencePdf(evidence: EvidenceExport, lang: Lang): Promise<Buffer> {
  const t = messagesFor(lang).evidence;
  const when = (iso: string | Date | null) => (iso ? formatDeadline(typeof iso === 'string' ? iso : iso.toISOString(), lang) : '—');
  const { application: app } = evidence;
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${t.title}: ${app.title} (${app.id})`, Author: 'k2flow', Subject: app.id } });
  doc.registerFont('text', path.join(fonts, 'DejaVuSans.ttf'));
  doc.registerFont('bold', path.join(fonts, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const heading = (text: string) => doc.moveDown(0.8).font('bold').fontSize(13).text(text).moveDown(0.3).font('text').fontSize(10);
  const line = (label: string, value: string) => doc.font('bold').text(`${label}: `, { continued: true }).font('text').text(value);
  const item = (text: string) => doc.text(`•  ${text}`, { indent: 8 });

  doc.font('bold').fontSize(18).text(t.title).fontSize(12).text(app.title).moveDown(0.5).font('text').fontSize(10);
  line(t.id, app.id);
  line(t.variant, wordFor('variant', app.variant, lang));
  line(t.status, wordFor('applicationStatus', app.status, lang));
  line(t.office, app.office ?? '—');
  line(t.coordinator, `${app.coordinatorName} <${app.coordinatorEmail}>`);
  line(t.started, when(app.createdAt));
  line(t.closed, when(app.closedAt));
  doc.moveDown(0.3).text(t.exported(when(evidence.exportedAt), evidence.exportedBy));

  heading(t.units);
  for (const u of app.units) item(`${u.name}${u.projectReference ? ` (${u.projectReference})` : ''} — ${u.approverName} <${u.approverEmail}> — ${unitStatusName(u.status, lang)}`);

  // Through which link and from which address: the decision's own audit record says.
  const via = new Map<string, DecidedVia>();
  for (const r of evidence.audit) {
    const data = r.data as { requestId?: string; via?: DecidedVia } | null;
    if (r.type.startsWith('approval.decided') && data?.requestId && data.via) via.set(data.requestId, data.via);
  }
  heading(t.decisions);
  const decided = evidence.requests.filter((r) => r.decidedAt);
  if (!decided.length) doc.text(t.noDecisions);
  for (const r of decided) {
    const v = via.get(r.id);
    doc.font('bold').text(`${r.partyName} (${roleName(r.partyRole, lang)}) <${r.partyEmail}>: ${statusName(r.status, lang)}`).font('text');
    if (r.decidedByEmail) doc.text(t.byDeputy(r.decidedByName ?? r.decidedByEmail, r.decidedByEmail), { indent: 8 });
    doc.text(`${when(r.decidedAt)}${r.late ? ` (${t.late})` : ''}; ${stepName(r.step, lang)}, ${t.round(r.round)}; ${v ? t.through(v.tokenId, v.address) : t.throughUnknown}`, { indent: 8 });
    const services = (r.formData as { services?: string[] } | null)?.services;
    if (services?.length) doc.text(`${t.services}: ${services.join(', ')}`, { indent: 8 });
    if (r.comment) doc.text(`${t.comment}: „${r.comment}”`, { indent: 8 });
    doc.moveDown(0.3);
  }
  const undecided = evidence.requests.filter((r) => !r.decidedAt && r.status !== 'pending');
  if (undecided.length) {
    heading(t.undecided);
    for (const r of undecided) item(`${r.partyName} (${roleName(r.partyRole, lang)}), ${stepName(r.step, lang)}, ${t.round(r.round)}: ${statusName(r.status, lang)}${r.closedReason ? ` — ${r.closedReason}` : ''}`);
  }

  heading(t.documents);
  if (!evidence.documents.length) doc.text(t.noDocuments);
  for (const d of evidence.documents) {
    doc.font('bold').text(t.documentVersion(d.name, d.version, d.fileName, sizeText(d.size, lang))).font('text');
    doc.text(`SHA-256 ${d.sha256}`, { indent: 8 });
    doc.text(t.uploaded(when(d.uploadedAt), d.uploadedByName), { indent: 8 });
    if (!d.decisions.length) doc.text(t.noDecisionsOn, { indent: 8 });
    for (const r of d.decisions) doc.text(`•  ${r.partyName} (${roleName(r.partyRole, lang)}): ${statusName(r.decision, lang)}, ${when(r.decidedAt)}; ${stepName(r.step, lang)}, ${t.round(r.round)}`, { indent: 16 });
    doc.moveDown(0.3);
  }

  heading(t.emails);
  if (!evidence.messages.length) doc.text(t.noEmails);
  for (const m of evidence.messages) item(`${when(m.sentAt ?? m.createdAt)} — ${m.toAddress} — ${m.subject} — ${wordFor('deliveryStatus', m.status, lang)}${m.attempts > 1 ? ` (×${m.attempts})` : ''}`);

  heading(t.temporal);
  for (const w of evidence.temporal) item(`${w.workflowId}: ${t.events(w.events, when(w.first), when(w.last))}`);

  heading(t.audit);
  doc.text(t.chain(evidence.chain.length, evidence.chain.head ?? '—'));
  doc.font('bold').text(evidence.chain.intact ? t.intact : t.broken).font('text').moveDown(0.3);
  doc.fontSize(8);
  for (const r of evidence.audit) doc.text(`${r.seq}. ${when(r.occurredAt)} — ${r.type} — ${r.actor} — ${r.hash.slice(0, 16)}…`);
  doc.fontSize(9).moveDown(0.5).text(t.howToVerify);
  // The whole JSON export rides along, so `k2flow verify` can check the filed PDF itself.
  doc.file(Buffer.from(`${JSON.stringify(evidence, null, 2)}\n`), { name: EVIDENCE_ATTACHMENT, type: 'application/json', description: t.attachment, creationDate: new Date(evidence.exportedAt) });
  doc.end();
  return done;
}
