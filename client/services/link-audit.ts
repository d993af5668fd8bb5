import { createHash, randomUUID } from 'node:crypto';
import { actor } from '../../activities/audit';
import { sqlTimestamp, type Db } from '../../db/prisma-client';
import type { DocumentRef } from '../../domain/document-ref';
import type { Logger } from '../../observability/logger';

/** Who presented an approval link, as the server saw them. */
export interface LinkClient {
  /** The client address (X-Forwarded-For only behind a trusted proxy). */
  address: string;
  userAgent?: string;
}

/** The request a presented link belongs to; known once the link's id was found. */
export interface LinkSubject {
  applicationId: string;
  requestId: string;
  /** The link's public lookup id, never its secret (auth/approval-token.ts). */
  tokenId: string;
  partyRole: string;
  partyEmail: string;
}

/**
 * Why a link was refused: a wrong secret (403); a link replaced by a newer one, past its expiry,
 * or of a closed request (410); a decision refused by the workflow as too late (410).
 */
export type LinkRefusalReason = 'secret-mismatch' | 'link-replaced' | 'link-expired' | 'request-closed' | 'deadline-passed';

export interface LinkRefusal extends LinkSubject {
  reason: LinkRefusalReason;
  /** For a closed request: how it closed (expired, withdrawn, removed, closed). */
  requestStatus?: string;
}

/** Repeats of the same event (same link, client, attempt and reason) within this time are one record. */
export const LINK_EVENT_WINDOW_MS = 60_000;
export const USER_AGENT_MAX_LENGTH = 200;

/**
 * Records approval links being opened ('link.opened') and refused ('link.refused') in the
 * application's audit trail. Mail scanners and reloads open links again and again, so a repeat
 * within LINK_EVENT_WINDOW_MS is not recorded again. The records go in unchained, as
 * appendUnchained writes them (activities/audit.ts): the page never waits for the application's
 * chain. Recording never fails the page: a failed write is logged (without the link) and the
 * approver gets their answer.
 */
export function createLinkAudit({ db, clock, logger }: { db: Db; clock: () => Date; logger: Logger }) {
  async function record(
    type: 'link.opened' | 'link.refused' | 'document.downloaded',
    subject: LinkSubject,
    client: LinkClient,
    details: { attempt?: 'open' | 'decide'; reason?: LinkRefusalReason; requestStatus?: string; document?: Record<string, string | number> },
  ) {
    const now = clock();
    const userAgent = client.userAgent ? client.userAgent.slice(0, USER_AGENT_MAX_LENGTH) : null;
    // Whoever presented a wrong secret did not hold the link: they are not its party.
    const by = details.reason === 'secret-mismatch' ? actor.anonymous : actor.party(subject.partyRole, subject.partyEmail);
    // One group per link, client, attempt and reason; hashed so the key carries no token id.
    const group = createHash('sha256')
      .update(JSON.stringify([type, subject.tokenId, details.attempt ?? null, details.reason ?? null, details.document?.versionId ?? null, client.address, userAgent]))
      .digest('hex')
      .slice(0, 32);
    const prefix = `${type}:${group}:`;
    const data = { requestId: subject.requestId, tokenId: subject.tokenId, ...details, address: client.address, userAgent };
    try {
      // Lock, look and insert in one round trip (the SQL function of the migration
      // 20261203030000_link_event_at_once): the lock serialises writers of one group, so two
      // opens at the same moment still make one record.
      await db.$queryRaw`
        SELECT "k2flow_record_link_event"(${prefix}, ${sqlTimestamp(new Date(now.getTime() - LINK_EVENT_WINDOW_MS))},
          ${randomUUID()}, ${`${prefix}${now.toISOString()}`}, ${subject.applicationId}, ${type}, ${by}, ${JSON.stringify(data)}::jsonb, ${sqlTimestamp(now)})`;
    } catch (error) {
      const message = String((error as Error)?.message ?? error).split(subject.tokenId).join('[token id]');
      logger.warn({ applicationId: subject.applicationId, approvalRequestId: subject.requestId, reason: message }, `could not record ${type}`);
    }
  }

  return {
    opened: (subject: LinkSubject, client: LinkClient) => record('link.opened', subject, client, {}),
    /** A document downloaded through the link: which version, so the trail shows what the party fetched. */
    downloaded: (subject: LinkSubject, client: LinkClient, version: DocumentRef) =>
      record('document.downloaded', subject, client, { document: { documentId: version.documentId, versionId: version.versionId, version: version.version, name: version.name, sha256: version.sha256 } }),
    refused: ({ reason, requestStatus, ...subject }: LinkRefusal, client: LinkClient, attempt: 'open' | 'decide') =>
      record('link.refused', subject, client, { attempt, reason, ...(requestStatus ? { requestStatus } : {}) }),
  };
}

export type LinkAudit = ReturnType<typeof createLinkAudit>;
