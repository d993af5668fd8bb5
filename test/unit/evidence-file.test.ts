import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { checkEvidenceFile } from '../../client/services/evidence-file';
import { EVIDENCE_FORMAT, hashRecord, type ChainedRecord } from '../../domain/audit-chain';

// Checking a file someone hands over: a JSON export or a PDF carrying one, and files made to hurt
// the server that checks them. Real pdfkit and pdfjs-dist (in its worker thread), no mocks.

function exportOf(types: string[], data: unknown = { ok: true }) {
  const audit: ChainedRecord[] = [];
  for (const [i, type] of types.entries()) {
    const content = { applicationId: 'app-1', seq: i + 1, idempotencyKey: `k${i}`, type, actor: 'system', data, occurredAt: '2026-12-01T10:00:00.000Z' };
    const prevHash = audit.at(-1)?.hash ?? null;
    audit.push({ ...content, prevHash, hash: hashRecord(prevHash, content) });
  }
  return { format: EVIDENCE_FORMAT, application: { id: 'app-1' }, chain: { head: audit.at(-1)?.hash ?? null, length: audit.length }, audit };
}

function pdf(draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const doc = new PDFDocument();
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  draw(doc);
  doc.end();
  return done;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('checking an evidence file', () => {
  it('accepts an intact JSON export and a PDF that prints the head of the export it carries', async () => {
    const evidence = exportOf(['application.started', 'approval.decided']);
    expect(await checkEvidenceFile(json(evidence))).toMatchObject({ kind: 'checked', file: 'json', intact: true, length: 2 });
    const filed = await pdf((doc) => {
      doc.text(`Głowa łańcucha: ${evidence.chain.head}`);
      doc.file(json(evidence), { name: 'evidence.json', type: 'application/json' });
    });
    expect(await checkEvidenceFile(filed)).toMatchObject({ kind: 'checked', file: 'pdf', intact: true, head: evidence.chain.head });
  });

  it('refuses a JSON file nested deeper than any export, without exhausting the stack', async () => {
    const deep = exportOf(['application.started']);
    const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const raw = JSON.stringify(deep).replace('{"ok":true}', nested);
    expect(await checkEvidenceFile(Buffer.from(raw))).toEqual({ kind: 'not-export', why: 'the file nests deeper than 64 levels' });
  });

  it('refuses a PDF with more pages than any evidence has, without holding the server', async () => {
    const pages = await pdf((doc) => {
      for (let i = 0; i < 2000; i++) doc.addPage();
    });
    expect(await checkEvidenceFile(pages)).toEqual({ kind: 'not-export', why: 'the PDF has 2001 pages; an evidence PDF has at most 2000' });
  });

  it('refuses a PDF whose compressed content unpacks to hundreds of megabytes, before unpacking it', async () => {
    const bomb = deflateSync(Buffer.alloc(256 * 1024 * 1024));
    const bytes = Buffer.concat([Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Length ${bomb.length} /Filter /FlateDecode >>\nstream\n`), bomb, Buffer.from('\nendstream\nendobj\n%%EOF\n')]);
    expect(await checkEvidenceFile(bytes)).toEqual({ kind: 'not-export', why: "the PDF's compressed content unpacks to more than 200 MB" });
  });

  it('says what is wrong with a PDF that is not evidence, or not a PDF at all', async () => {
    expect(await checkEvidenceFile(await pdf((doc) => doc.text('Faktura')))).toMatchObject({ kind: 'not-export', why: expect.stringContaining('carries no evidence.json attachment') });
    expect(await checkEvidenceFile(Buffer.from('%PDF-1.7\ngarbage'))).toMatchObject({ kind: 'not-export', why: expect.stringMatching(/^PDF: /) });
  });
});
