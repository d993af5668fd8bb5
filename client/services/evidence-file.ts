import { Worker } from 'node:worker_threads';
import { inflateSync } from 'node:zlib';
import { evidenceExport, verifyChain, type ChainVerdict } from '../../domain/audit-chain';
import { sectionsOf, type ExportSections } from './evidence-sections';

// Checking an evidence file someone hands over: the JSON export, or the PDF a person filed. The
// PDF carries the JSON export as an attachment (evidence-pdf.ts), so the same chain check applies
// to it; it must also print the head of the chain it carries, or its pages say something else.
// pdfjs-dist (Mozilla's PDF reader) reads the attachment and the printed text, in a worker thread
// with limits, since the PDF may come from anyone (evidence-pdf-reader.mjs).

/** The name of the JSON export attached to every evidence PDF. */
export const EVIDENCE_ATTACHMENT = 'evidence.json';

export type EvidenceFileCheck =
  | { kind: 'not-export'; why: string }
  | ({ kind: 'checked'; applicationId: string; file: 'json' | 'pdf'; sections: ExportSections } & ChainVerdict);

const MAX_DEPTH = 64;

/** How deeply a parsed JSON value nests (iteratively: a hostile depth must not exhaust the stack). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    if (node && typeof node === 'object') for (const inner of Object.values(node)) stack.push([inner, depth + 1]);
  }
  return deepest;
}

const isPdf = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';

/**
 * The export's own chain: every record fits its hash, the trail ends at the stated head and holds
 * the stated number. Nothing else in the file is checked here (evidence-sections.ts says why).
 */
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
  // Hashing walks each record's data: a record nested deeper than any k2flow writes is not one of ours.
  if (depthOf(raw) > MAX_DEPTH) return { kind: 'not-export', why: `the file nests deeper than ${MAX_DEPTH} levels` };
  const parsed = evidenceExport.safeParse(raw);
  if (!parsed.success) return { kind: 'not-export', why: parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'} ${i.message}`).join('; ') };
  const { application, audit, chain } = parsed.data;
  // The sections no hash covers travel along unchecked: only the server can compare them, with its database.
  const sections = sectionsOf(raw as Record<string, unknown>);
  const checked = { kind: 'checked' as const, applicationId: application.id, file: printed === null ? ('json' as const) : ('pdf' as const), sections };
  const verdict = verifyChain(audit, chain.head);
  if (!verdict.intact) return { ...checked, ...verdict };
  const altered = (reason: string) => ({ ...checked, ...verdict, intact: false as const, brokenAt: audit.length, reason });
  if (chain.length !== audit.length) return altered(`it states ${chain.length} records and holds ${audit.length}`);
  // Lines wrap a long hash anywhere: compare the printed text without its white space.
  if (printed !== null && verdict.head && !printed.includes(verdict.head)) return altered("the PDF's pages do not print the head of the chain attached to it");
  return { ...checked, ...verdict };
}

/** Pages an evidence PDF may have: thousands of audit records print in far fewer. */
const MAX_PAGES = 2000;
/** How long reading one PDF may take, and what its compressed streams may unpack to in all. */
const READ_MS = 15_000;
const MAX_UNPACKED_BYTES = 200 * 1024 * 1024;
/** PDFs read at once; more wait their turn (each holds a worker thread and its memory). */
const READERS = 2;
let reading = 0;
const waiting: Array<() => void> = [];

/**
 * A compressed stream that unpacks to far more than any evidence PDF holds (a "zip bomb") is
 * refused before pdfjs unpacks it: each FlateDecode stream is inflated here with a cap on what it
 * may produce, all streams together within MAX_UNPACKED_BYTES.
 */
function unpacksTooFar(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let budget = MAX_UNPACKED_BYTES;
  for (let at = text.indexOf('stream'); at !== -1; at = text.indexOf('stream', at + 6)) {
    let from = at + 6;
    if (text[from] === 0x0d) from++;
    if (text[from] !== 0x0a) continue;
    const end = text.indexOf('endstream', from + 1);
    if (end === -1) break;
    try {
      budget -= inflateSync(text.subarray(from + 1, end), { maxOutputLength: Math.max(1, budget) }).length;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return true;
      // Not a complete deflate stream (an image, an uncompressed stream): pdfjs reads it as it is.
    }
    at = end;
  }
  return false;
}

/** The attached JSON export and the printed text (white space removed) of an evidence PDF, read in a worker thread. */
async function readPdf(bytes: Uint8Array): Promise<{ json: string; printed: string } | { why: string }> {
  if (unpacksTooFar(bytes)) return { why: `the PDF's compressed content unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB` };
  if (reading >= READERS) await new Promise<void>((resolve) => waiting.push(resolve));
  reading++;
  const worker = new Worker(new URL('./evidence-pdf-reader.mjs', import.meta.url), {
    workerData: { bytes: new Uint8Array(bytes), attachmentName: EVIDENCE_ATTACHMENT, maxPages: MAX_PAGES },
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ why: `reading the PDF took longer than ${READ_MS / 1000} s` }), READ_MS);
      worker.once('message', (answer: { json: string; printed: string } | { why: string }) => {
        clearTimeout(timer);
        resolve(answer);
      });
      worker.once('error', (error) => {
        clearTimeout(timer);
        resolve({ why: `PDF: ${error.message}` });
      });
    });
  } finally {
    await worker.terminate();
    reading--;
    waiting.shift()?.();
  }
}
