import { sealTrail } from '../../activities/audit';
import type { Db } from '../../db/prisma-client';
import { CHAIN_ALGORITHM, EVIDENCE_FORMAT, verifyChain, type ChainedRecord } from '../../domain/audit-chain';
import { DomainError } from '../../domain/domain-error';
import type { DocumentRef } from '../../domain/document-ref';
import type { Lang } from '../../mail/html';
import type { ApplicationService } from './applications';
import { renderEvidencePdf } from './evidence-pdf';
import { sectionDifferences, type ExportSections, type SectionDifference } from './evidence-sections';

/** An uploaded export against the database: its trail (`matches`, the database's `length`) and its other sections. */
export interface DatabaseComparison {
  matches: boolean;
  length: number;
  differences: SectionDifference[];
}

/**
 * Evidence of one application for people who answer for the process: everything as JSON (the
 * application, its units, every request and decision, every email and its delivery, the audit
 * trail with its hash chain, the Temporal histories in summary), the audit trail as CSV, and a
 * check of the database's trail against its own hashes.
 */
export function createEvidenceService({ db, applications }: { db: Db; applications: ApplicationService }) {
  /** The application's trail in chain order, every record chained first (records from before the chain are chained now). */
  async function trail(id: string): Promise<ChainedRecord[]> {
    await sealTrail(db, id);
    // Chained records only: the server may write one unchained (activities/audit.ts) after the seal.
    const rows = await db.auditEvent.findMany({ where: { applicationId: id, seq: { not: null } }, orderBy: { seq: 'asc' } });
    return rows.map((r) => ({
      applicationId: r.applicationId,
      seq: r.seq!,
      idempotencyKey: r.idempotencyKey,
      type: r.type,
      actor: r.actor,
      actorName: r.actorName,
      authMethod: r.authMethod,
      requestId: r.requestId,
      data: r.data,
      occurredAt: r.occurredAt.toISOString(),
      prevHash: r.prevHash,
      hash: r.hash!,
    }));
  }

  async function application(id: string) {
    const found = await db.application.findUnique({
      where: { id },
      select: {
        id: true, variant: true, definitionVersion: true, title: true, status: true, stage: true, office: true, coordinatorName: true, coordinatorEmail: true,
        input: true, createdAt: true, closedAt: true,
        units: { select: { unitKey: true, name: true, projectReference: true, approverName: true, approverEmail: true, status: true }, orderBy: { unitKey: 'asc' } },
      },
    });
    if (!found) throw new DomainError('NOT_FOUND', `No application with id ${id}.`);
    return found;
  }

  /** Whether the database's trail of the application still matches its hashes. */
  async function verify(id: string) {
    await application(id);
    return { applicationId: id, algorithm: CHAIN_ALGORITHM, ...verifyChain(await trail(id)) };
  }

  /** What the database says of the application: every section of the export but the Temporal summary. */
  async function databaseSections(id: string) {
    const app = await application(id);
    const [requests, messages, audit] = await Promise.all([
      db.approvalRequest.findMany({
        where: { applicationId: id },
        select: {
          id: true, unitKey: true, step: true, round: true, partyRole: true, partyName: true, partyEmail: true, status: true, comment: true, formData: true,
          deadline: true, decidedAt: true, late: true, closedReason: true, createdAt: true, documents: true, decidedByName: true, decidedByEmail: true,
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
      // Delivery facts only: the sealed message (with its link) is a credential.
      db.outboxMessage.findMany({
        where: { applicationId: id },
        select: { template: true, toAddress: true, subject: true, messageId: true, status: true, attempts: true, lastError: true, createdAt: true, sentAt: true },
        // The id breaks ties, so that two exports list the same messages in the same order.
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
      trail(id),
    ]);
    const versions = await db.documentVersion.findMany({
      where: { document: { applicationId: id } },
      select: {
        id: true, version: true, fileName: true, contentType: true, size: true, sha256: true, uploadedBy: true, uploadedByName: true, uploadedAt: true,
        document: { select: { id: true, name: true, unitKey: true, stepId: true } },
      },
      orderBy: [{ uploadedAt: 'asc' }, { version: 'asc' }, { id: 'asc' }],
    });
    // Each version with the decisions its parties made on it (a decision names the versions it saw).
    const decidedOn = (versionId: string) =>
      requests
        .filter((r) => ((r.documents ?? []) as unknown as DocumentRef[]).some((d) => d.versionId === versionId))
        .map((r) => ({ requestId: r.id, unitKey: r.unitKey, step: r.step, round: r.round, partyRole: r.partyRole, partyName: r.partyName, decision: r.status, decidedAt: r.decidedAt }));
    const documents = versions.map(({ document, id: versionId, ...v }) => ({
      documentId: document.id, name: document.name, unitKey: document.unitKey, stepId: document.stepId, versionId, ...v, decisions: decidedOn(versionId),
    }));
    return { application: app, requests, documents, messages, audit };
  }

  async function exportJson(id: string, exportedBy: string, now: Date) {
    const [{ application: app, requests, documents, messages, audit }, history] = await Promise.all([databaseSections(id), applications.history(id)]);
    const chain = verifyChain(audit);
    return {
      format: EVIDENCE_FORMAT,
      exportedAt: now.toISOString(),
      exportedBy,
      chain: { algorithm: CHAIN_ALGORITHM, length: audit.length, head: chain.head, intact: chain.intact },
      application: app,
      requests,
      documents,
      messages,
      audit,
      temporal: history.workflows.map((w) => ({
        workflowId: w.workflowId,
        events: w.events.length,
        first: w.events[0]?.eventTime ?? null,
        last: w.events.at(-1)?.eventTime ?? null,
        eventTypes: countBy(w.events.map((e) => e.eventType)),
      })),
    };
  }

  /** The audit trail as CSV, one record a line, with its place in the chain and its hashes. */
  async function exportCsv(id: string): Promise<string> {
    await application(id);
    const header = ['seq', 'occurredAt', 'type', 'actor', 'actorName', 'authMethod', 'requestId', 'data', 'prevHash', 'hash'];
    const lines = (await trail(id)).map((r) => [r.seq, r.occurredAt, r.type, r.actor, r.actorName, r.authMethod, r.requestId, JSON.stringify(r.data), r.prevHash, r.hash].map(csvCell).join(','));
    return [header.join(','), ...lines].join('\r\n') + '\r\n';
  }

  /**
   * An uploaded export against the database now: whether its trail (its length and head) is a
   * beginning of the database's trail (the database's record at that place carries the same hash),
   * and where its other sections differ from what the database says. Null when the application is unknown.
   */
  async function compareWithDatabase(id: string, exported: { length: number; head: string | null; sections: ExportSections }): Promise<DatabaseComparison | null> {
    if (!(await db.application.findUnique({ where: { id }, select: { id: true } }))) return null;
    // As the export's file has them: dates as ISO strings, no undefined.
    const now = JSON.parse(JSON.stringify(await databaseSections(id))) as ExportSections & { audit: ChainedRecord[] };
    const database = verifyChain(now.audit);
    const record = now.audit.find((r) => r.seq === exported.length);
    return {
      matches: exported.length === 0 || (database.intact && record?.hash === exported.head),
      length: database.length,
      differences: sectionDifferences(exported.sections, now),
    };
  }

  /** The evidence as a PDF a person would file, in Polish or English. */
  const exportPdf = async (id: string, exportedBy: string, now: Date, lang: Lang) => renderEvidencePdf(await exportJson(id, exportedBy, now), lang);

  return { verify, exportJson, exportCsv, exportPdf, compareWithDatabase };
}

export type EvidenceService = ReturnType<typeof createEvidenceService>;
export type EvidenceExport = Awaited<ReturnType<EvidenceService['exportJson']>>;

const countBy = (values: string[]) => Object.fromEntries([...new Set(values)].map((v) => [v, values.filter((x) => x === v).length]));

/**
 * RFC 4180 quoting; a cell a spreadsheet would run as a formula (=, +, -, @) is prefixed with an
 * apostrophe. The JSON export, not the CSV, is what `k2flow verify` checks.
 */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
