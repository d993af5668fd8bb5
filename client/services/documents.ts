import { fileTypeFromBuffer } from 'file-type';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { appendAudit, userFields } from '../../activities/audit';
import type { Db } from '../../db/prisma-client';
import { definitionOf } from '../../definitions';
import type { Actor } from '../../domain/actor';
import { DomainError } from '../../domain/domain-error';
import type { DocumentRef } from '../../domain/document-ref';
import { DocumentMissing, type DocumentStore } from '../../storage/document-store';

/** What k2flow takes, by the type read from the content: documents and scans, nothing executable. */
export const acceptedTypes: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
  'application/vnd.oasis.opendocument.text': 'ODT',
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/tiff': 'TIFF',
  'image/webp': 'WebP',
};

/** The largest upload by default; K2FLOW_DOCUMENT_MAX_MB changes it. */
export const DEFAULT_DOCUMENT_MAX_BYTES = 25 * 1024 * 1024;

/** One version of a document as decisions, pages and exports name it. */
export interface DocumentVersionView {
  documentId: string;
  versionId: string;
  version: number;
  name: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  unitKey: string | null;
  stepId: string | null;
  uploadedBy: string;
  uploadedByName: string;
  uploadedAt: string;
}


export interface Upload {
  fileName: string;
  content: Buffer;
}

/** Where a new document belongs (a new version keeps its document's place). */
export interface Placement {
  /** A new version of this document; otherwise a new document. */
  documentId?: string;
  unitKey?: string;
  stepId?: string;
  /** The document's name; the file's name by default. */
  name?: string;
}

/** Whose request a list of documents is for: every request sees the application's, its unit's and its step's. */
export interface RequestScope {
  applicationId: string;
  unitKey: string | null;
  stepId: string;
}

export const refOf = (v: DocumentVersionView): DocumentRef => ({ documentId: v.documentId, versionId: v.versionId, version: v.version, name: v.name, sha256: v.sha256 });

/** A name as a person gave it, without any folder part and within bounds. */
const fileNameOf = (given: string) => within(path.basename(given.replaceAll('\\', '/')).trim(), 200) || 'document';

/** At most `n` characters, never cutting one in half (a lone surrogate cannot be stored). */
const within = (text: string, n: number) => Array.from(text).slice(0, n).join('');

/** More documents than any application needs; it also bounds what a decision form carries. */
export const MAX_DOCUMENTS_PER_APPLICATION = 200;

/**
 * Documents of applications: each upload an immutable version with its SHA-256, size and the type
 * read from its content, stored in the document store under a key of k2flow's own; the rows and
 * their audit record ('document.attached') commit together, after the content is stored.
 */
export function createDocumentService({ db, store, maxBytes = DEFAULT_DOCUMENT_MAX_BYTES, clock = () => new Date() }: { db: Db; store: DocumentStore; maxBytes?: number; clock?: () => Date }) {
  async function attach(applicationId: string, upload: Upload, placement: Placement, by: Actor): Promise<{ created: boolean; version: DocumentVersionView }> {
    const application = await db.application.findUnique({ where: { id: applicationId }, select: { variant: true, definitionVersion: true, closedAt: true, units: { select: { unitKey: true } } } });
    if (!application) throw new DomainError('NOT_FOUND', `No application with id ${applicationId}.`);
    if (application.closedAt) throw new DomainError('CONFLICT', 'The application is closed: its documents can no longer change.');
    if (upload.content.length === 0) throw new DomainError('VALIDATION', 'The file is empty.', [{ path: 'file', message: 'is empty' }]);
    if (upload.content.length > maxBytes) throw new DomainError('TOO_LARGE', `The file is larger than ${Math.floor(maxBytes / 1024 / 1024)} MB, the most k2flow takes.`);
    const detected = await fileTypeFromBuffer(upload.content);
    const contentType = detected?.mime && acceptedTypes[detected.mime] ? detected.mime : null;
    if (!contentType) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `k2flow takes ${Object.values(acceptedTypes).join(', ')} files; this one's content is ${detected ? `${detected.ext.toUpperCase()} (${detected.mime})` : 'none of them'}, whatever its name.`);
    }

    const existing = placement.documentId
      ? await db.document.findFirst({ where: { id: placement.documentId, applicationId }, select: { id: true, name: true, unitKey: true, stepId: true } })
      : null;
    if (placement.documentId && !existing) throw new DomainError('NOT_FOUND', `The application has no document ${placement.documentId}.`);
    if (existing && ((placement.unitKey && placement.unitKey !== existing.unitKey) || (placement.stepId && placement.stepId !== existing.stepId))) {
      throw new DomainError('VALIDATION', 'A new version keeps its document’s place: leave unitKey and stepId out, or attach a new document.', [{ path: placement.unitKey ? 'unitKey' : 'stepId', message: 'differs from the document’s' }]);
    }
    if (!existing && (await db.document.count({ where: { applicationId } })) >= MAX_DOCUMENTS_PER_APPLICATION) {
      throw new DomainError('CONFLICT', `The application already has ${MAX_DOCUMENTS_PER_APPLICATION} documents, the most k2flow keeps; attach new versions of them instead.`);
    }
    if (!existing) {
      if (placement.unitKey && !application.units.some((u) => u.unitKey === placement.unitKey)) {
        throw new DomainError('VALIDATION', `The application has no unit ${placement.unitKey}.`, [{ path: 'unitKey', message: 'is not a unit of the application' }]);
      }
      const steps = definitionOf(application.variant, application.definitionVersion)?.stages.flatMap((s) => s.steps.map((st) => st.id)) ?? [];
      if (placement.stepId && !steps.includes(placement.stepId)) {
        throw new DomainError('VALIDATION', `The application has no step ${placement.stepId}; its steps are ${steps.join(', ')}.`, [{ path: 'stepId', message: 'is not a step of the application' }]);
      }
    }

    const sha256 = createHash('sha256').update(upload.content).digest('hex');
    const documentId = existing?.id ?? randomUUID();
    const fileName = fileNameOf(upload.fileName);
    const name = existing?.name ?? within(placement.name?.trim() || fileName, 200);
    // Content first: a row never names content the store does not hold. A failure after this leaves
    // unreferenced content under a key no one will be given, never a half-written document.
    const storageKey = `applications/${encodeURIComponent(applicationId)}/documents/${documentId}/${sha256}`;
    await store.put(storageKey, upload.content, contentType);

    return db.$transaction(async (tx) => {
      if (existing) {
        // One new version at a time per document: the next number is read under this lock.
        await tx.$executeRaw`SELECT 1 FROM "Document" WHERE "id" = ${documentId} FOR UPDATE`;
      } else {
        await tx.document.create({ data: { id: documentId, applicationId, unitKey: placement.unitKey ?? null, stepId: placement.stepId ?? null, name } });
      }
      const latest = await tx.documentVersion.findFirst({ where: { documentId }, orderBy: { version: 'desc' } });
      const document = existing ? { name, unitKey: existing.unitKey, stepId: existing.stepId } : { name, unitKey: placement.unitKey ?? null, stepId: placement.stepId ?? null };
      // The same bytes again (a repeated upload, a retry) are the version already there.
      if (latest?.sha256 === sha256) return { created: false, version: viewOf({ ...latest, document }) };
      const row = await tx.documentVersion.create({
        data: { id: randomUUID(), documentId, version: (latest?.version ?? 0) + 1, fileName, contentType, size: upload.content.length, sha256, storageKey, uploadedBy: `user:${by.userId}`, uploadedByName: by.name, uploadedAt: clock() },
      });
      const version = viewOf({ ...row, document });
      await appendAudit(tx, [
        {
          idempotencyKey: `document:${row.id}`,
          applicationId,
          type: 'document.attached',
          ...userFields(by),
          data: { ...refOf(version), fileName, contentType, size: version.size, unitKey: version.unitKey, stepId: version.stepId },
          occurredAt: row.uploadedAt,
        },
      ]);
      return { created: true, version };
    });
  }

  /** Every version of every document of the application, oldest first. */
  async function list(applicationId: string): Promise<DocumentVersionView[]> {
    const rows = await db.documentVersion.findMany({
      where: { document: { applicationId } },
      include: { document: { select: { name: true, unitKey: true, stepId: true } } },
      orderBy: [{ uploadedAt: 'asc' }, { version: 'asc' }],
    });
    return rows.map(viewOf);
  }

  /** The latest version of each document a request's party sees: the application's, their unit's and their step's. */
  async function currentFor(scope: RequestScope): Promise<DocumentVersionView[]> {
    // One statement on every approval page and decision (the hot path): the latest version of each
    // document of the request's unit and step, and of the application-wide ones (for units' requests too).
    const rows = await db.$queryRaw<Array<Omit<VersionRow, 'document'> & VersionRow['document']>>`
      SELECT DISTINCT ON (v."documentId") v."id", v."documentId", v."version", v."fileName", v."contentType", v."size", v."sha256", v."uploadedBy", v."uploadedByName", v."uploadedAt",
             d."name", d."unitKey", d."stepId"
      FROM "DocumentVersion" v JOIN "Document" d ON d."id" = v."documentId"
      WHERE d."applicationId" = ${scope.applicationId} AND (d."unitKey" IS NULL OR d."unitKey" = ${scope.unitKey}) AND (d."stepId" IS NULL OR d."stepId" = ${scope.stepId})
      ORDER BY v."documentId", v."version" DESC`;
    return rows
      .map(({ name, unitKey, stepId, ...v }) => viewOf({ ...v, document: { name, unitKey, stepId } }))
      .sort((a, b) => a.name.localeCompare(b.name, 'pl') || a.documentId.localeCompare(b.documentId));
  }

  /** Any version of a document the request's party sees, with its content; null when it is not theirs to see. */
  async function openFor(scope: RequestScope, versionId: string) {
    const row = await db.documentVersion.findUnique({ where: { id: versionId }, include: { document: { select: { applicationId: true, name: true, unitKey: true, stepId: true } } } });
    if (!row || row.document.applicationId !== scope.applicationId) return null;
    const { unitKey, stepId } = row.document;
    if ((unitKey !== null && unitKey !== scope.unitKey) || (stepId !== null && stepId !== scope.stepId)) return null;
    return { version: viewOf(row), content: await read(row.storageKey) };
  }

  /** A version of one of the application's documents, with its content; null when it has none such. */
  async function open(applicationId: string, versionId: string) {
    const row = await db.documentVersion.findUnique({ where: { id: versionId }, include: { document: { select: { applicationId: true, name: true, unitKey: true, stepId: true } } } });
    if (!row || row.document.applicationId !== applicationId) return null;
    return { version: viewOf(row), content: await read(row.storageKey) };
  }

  async function read(key: string): Promise<Readable> {
    try {
      return await store.get(key);
    } catch (error) {
      // The row is there and its content is not: the store was changed under k2flow. Said, not a 500.
      if (error instanceof DocumentMissing) throw new DomainError('UNAVAILABLE', "The document's content cannot be read from the document store right now; tell the administrator.");
      throw error;
    }
  }

  /** A signed-in person's download of a version, on the application's trail ('document.downloaded'). */
  const recordDownload = (applicationId: string, version: DocumentVersionView, by: Actor) =>
    appendAudit(db, [{ idempotencyKey: `document.downloaded:${by.requestId}`, applicationId, type: 'document.downloaded', ...userFields(by), data: { document: { ...refOf(version) } }, occurredAt: clock() }]);

  return { attach, list, currentFor, openFor, open, recordDownload, maxBytes, store };
}

export type DocumentService = ReturnType<typeof createDocumentService>;

interface VersionRow {
  id: string;
  documentId: string;
  version: number;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedByName: string;
  uploadedAt: Date;
  document: { name: string; unitKey: string | null; stepId: string | null };
}

const viewOf = (r: VersionRow): DocumentVersionView => ({
  documentId: r.documentId,
  versionId: r.id,
  version: r.version,
  name: r.document.name,
  fileName: r.fileName,
  contentType: r.contentType,
  size: r.size,
  sha256: r.sha256,
  unitKey: r.document.unitKey,
  stepId: r.document.stepId,
  uploadedBy: r.uploadedBy,
  uploadedByName: r.uploadedByName,
  uploadedAt: r.uploadedAt.toISOString(),
});

/** Whether a decision's form named exactly the documents its party now sees (by version). */
export const sameVersions = (named: string[], current: DocumentVersionView[]) =>
  named.length === current.length && current.every((v) => named.includes(v.versionId));
