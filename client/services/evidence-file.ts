import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { evidenceExport, verifyChain, type ChainVerdict } from '../../domain/audit-chain';

// Checking an evidence file someone hands over: the JSON export, or the PDF a person filed. The
// PDF carries the JSON export as an attachment (evidence-pdf.ts), so the same chain check applies
// to it; it must also print the head of the chain it carries, or its pages say something else.
// pdfjs-dist (Mozilla's PDF reader) reads the attachment and the printed text.

/** The name of the JSON export attached to every evidence PDF. */
export const EVIDENCE_ATTACHMENT = 'evidence.json';

export type EvidenceFileCheck =
  | { kind: 'not-export'; why: string }
  | ({ kind: 'checked'; applicationId: string; file: 'json' | 'pdf' } & ChainVerdict);

const isPdf = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';

/** The export's own chain: every record fits its hash, the trail ends at the stated head and holds the stated number. */
export async function checkEvidenceFile(bytes: Uint8Array): Promise<EvidenceFileCheck> {
  let json: string;
  let printed: string | null = null;
  if (isPdf(bytes)) {
    const pdf = await readPdf(bytes);
    if ('why' in pdf) return { kind: 'not-export', why: pdf.why };
    ({ json, printed } = pdf);
  } else {
    json = Buffer.from(bytes).toString('utf8');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    return { kind: 'not-export', why: `JSON: ${(error as Error).message}` };
  }
  const parsed = evidenceExport.safeParse(raw);
  if (!parsed.success) return { kind: 'not-export', why: parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'} ${i.message}`).join('; ') };
  const { application, audit, chain } = parsed.data;
  const checked = { kind: 'checked' as const, applicationId: application.id, file: printed === null ? ('json' as const) : ('pdf' as const) };
  const verdict = verifyChain(audit, chain.head);
  if (!verdict.intact) return { ...checked, ...verdict };
  const altered = (reason: string) => ({ ...checked, ...verdict, intact: false as const, brokenAt: audit.length, reason });
  if (chain.length !== audit.length) return altered(`it states ${chain.length} records and holds ${audit.length}`);
  // Lines wrap a long hash anywhere: compare the printed text without its white space.
  if (printed !== null && verdict.head && !printed.includes(verdict.head)) return altered("the PDF's pages do not print the head of the chain attached to it");
  return { ...checked, ...verdict };
}

/** The attached JSON export and the printed text (white space removed) of an evidence PDF. */
async function readPdf(bytes: Uint8Array): Promise<{ json: string; printed: string } | { why: string }> {
  // pdfjs takes ownership of the buffer it is given: hand it a copy.
  const task = getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, stopAtErrors: true, verbosity: 0 });
  try {
    const pdf = await task.promise;
    const attachments = ((await pdf.getAttachments()) ?? {}) as Record<string, { content: Uint8Array }>;
    const attached = attachments[EVIDENCE_ATTACHMENT];
    if (!attached) return { why: `the PDF carries no ${EVIDENCE_ATTACHMENT} attachment (every evidence PDF k2flow prints carries one)` };
    let printed = '';
    for (let n = 1; n <= pdf.numPages; n++) {
      const content = await (await pdf.getPage(n)).getTextContent();
      for (const item of content.items) if ('str' in item) printed += item.str;
    }
    return { json: Buffer.from(attached.content).toString('utf8'), printed: printed.replace(/\s+/g, '') };
  } catch (error) {
    return { why: `PDF: ${(error as Error).message}` };
  } finally {
    await task.destroy();
  }
}
