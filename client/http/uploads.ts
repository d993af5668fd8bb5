import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { DomainError } from '../../domain/domain-error';
import { firstUnreadable } from '../../domain/plain-text';
import type { DocumentVersionView, Upload } from '../services/documents';
import { blankIsAbsent, optionalUnitKey } from './route-schemas';

/**
 * Multipart uploads for the routes registered in `scope` (and only there): one file, buffered up
 * to `maxBytes` (the limit is enforced while it arrives), the other fields as strings.
 */
export async function acceptUploads(scope: FastifyInstance, maxBytes: number): Promise<void> {
  await scope.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { files: 1, fields: 10, parts: 12, fileSize: maxBytes, fieldSize: 8_000 },
    async onFile(part) {
      const content = await part.toBuffer().catch((error: Error & { code?: string }) => {
        throw error.code === 'FST_REQ_FILE_TOO_LARGE' ? new DomainError('TOO_LARGE', `The file is larger than ${Math.floor(maxBytes / 1024 / 1024)} MB, the most k2flow takes.`) : error;
      });
      (part as unknown as { value: Upload }).value = { fileName: part.filename, content };
    },
  });
  // The server's own check of text fields runs before multipart bodies are read: run it again on them
  // (file names and fields), so a NUL or a broken character is a 400, never a failed database write.
  scope.addHook('preValidation', async (request) => {
    const found = firstUnreadable(request.body);
    if (found) throw new DomainError('VALIDATION', `The upload holds a control character or a broken character in ${found.path}; send plain text.`, [{ path: found.path, message: 'must be plain text' }]);
  });
}

const uploaded = z.custom<Upload>((v) => !!v && typeof v === 'object' && Buffer.isBuffer((v as Upload).content) && typeof (v as Upload).fileName === 'string', {
  message: 'must be a file sent as multipart/form-data',
});

/** An upload form's fields: the file and where it goes. Absent and blank fields are the same. */
export const uploadForm = z.object({
  file: uploaded,
  documentId: z.preprocess(blankIsAbsent, z.uuid('is not a document id').optional()),
  unitKey: optionalUnitKey,
  stepId: z.preprocess(blankIsAbsent, z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'is not a step id').optional()),
  name: z.preprocess(blankIsAbsent, z.string().trim().max(200, 'may be at most 200 characters').optional()),
  _csrf: z.string().optional(),
});

/** The upload in a request's body, or a sentence saying how to send one. */
export function uploadOf(body: unknown) {
  const parsed = uploadForm.safeParse(body ?? {});
  if (parsed.success) {
    if (!parsed.data.file.fileName && parsed.data.file.content.length === 0) throw new DomainError('VALIDATION', 'Choose a file to attach.', [{ path: 'file', message: 'is missing' }]);
    return parsed.data;
  }
  const problems = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  if (problems.some((p) => p.path === 'file')) {
    throw new DomainError('VALIDATION', 'Send the document as multipart/form-data with the file in a field named "file".', problems);
  }
  throw new DomainError('VALIDATION', `The upload is invalid: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
}

/**
 * Sends a stored document as a download that no browser renders in k2flow's origin: an
 * attachment, its type as read from its content, no sniffing, and a sandbox should it be opened.
 */
export function sendDocument(reply: FastifyReply, version: DocumentVersionView, content: Readable) {
  const ascii = version.fileName.replace(/[^\x20-\x7E]|["\\]/g, '_');
  return reply
    .type(version.contentType)
    .header('content-length', String(version.size))
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(version.fileName)}`)
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('etag', `"${version.sha256}"`)
    .header('x-document-sha256', version.sha256)
    .send(content);
}
