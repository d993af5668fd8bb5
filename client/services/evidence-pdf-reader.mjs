// Reads an uploaded evidence PDF in a worker thread (client/services/evidence-file.ts starts it):
// pdfjs-dist parses on the thread it runs on, so a hostile PDF (thousands of pages, deep trees)
// costs this thread, which the server stops after a few seconds, never the server's own.
import { parentPort, workerData } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const { bytes, attachmentName, maxPages } = workerData;

async function read() {
  const task = getDocument({ data: bytes, useSystemFonts: false, isEvalSupported: false, stopAtErrors: true, verbosity: 0 });
  try {
    const pdf = await task.promise;
    if (pdf.numPages > maxPages) return { why: `the PDF has ${pdf.numPages} pages; an evidence PDF has at most ${maxPages}` };
    const attachments = (await pdf.getAttachments()) ?? {};
    const attached = attachments[attachmentName];
    if (!attached) return { why: `the PDF carries no ${attachmentName} attachment (every evidence PDF k2flow prints carries one)` };
    let printed = '';
    for (let n = 1; n <= pdf.numPages; n++) {
      const content = await (await pdf.getPage(n)).getTextContent();
      for (const item of content.items) if ('str' in item) printed += item.str;
    }
    return { json: Buffer.from(attached.content).toString('utf8'), printed: printed.replace(/\s+/g, '') };
  } catch (error) {
    return { why: `PDF: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await task.destroy();
  }
}

parentPort.postMessage(await read());
