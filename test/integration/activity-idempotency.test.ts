import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { stableMessageId } from '../../activities/deliver-email';
import type { OpenApprovalRequestInput } from '../../activities/open-approval-request';
import { freePort } from '../../dev/free-port';
import { createSmtpMailer } from '../../mail/mailer';
import { makeInput } from '../support/application-input';
import { startHarness, type Harness } from '../support/harness';

// Activities are called directly here, as a retry would call them: same input, second time.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

async function newApplication() {
  const input = makeInput({ units: 1 });
  const applicationId = `app-${randomUUID()}`;
  await createActivities(h.deps).recordApplicationStarted({ applicationId, input, definitionVersion: 1 });
  const unit = input.units[0]!;
  const request: OpenApprovalRequestInput = {
    requestId: `${applicationId}:unit-1:unit-confirmation:1:unit-approver`,
    applicationId,
    applicationTitle: input.title,
    unitKey: unit.key,
    unitName: unit.name,
    stepId: 'unit-confirmation',
    kind: 'sign-off',
    ask: `Include the K2 module in project ${unit.projectReference}`,
    round: 1,
    workflowId: `${applicationId}:modules:unit-1`,
    partyRole: 'unit-approver',
    partyName: unit.approver.name,
    partyEmail: unit.approver.email,
    partyLanguage: 'en',
    deadline: input.deadlines.unitConfirmation,
    acceptsLate: false,
  };
  return { applicationId, input, request };
}

const count = (applicationId: string, type: string) => h.db.auditEvent.count({ where: { applicationId, type } });

describe('activities retried with the same input', () => {
  it('write an application and its start record once', async () => {
    const { applicationId, input } = await newApplication();
    await createActivities(h.deps).recordApplicationStarted({ applicationId, input, definitionVersion: 1 });
    expect(await h.db.applicationUnit.count({ where: { applicationId } })).toBe(1);
    expect(await count(applicationId, 'application.started')).toBe(1);
  });

  it('send one approval email and keep one working link when the request is opened twice', async () => {
    const { applicationId, request } = await newApplication();
    const activities = createActivities(h.deps);
    await activities.openApprovalRequest(request);
    await activities.openApprovalRequest(request);

    const mails = await h.mailbox.waitFor(request.partyEmail, 1);
    await new Promise((r) => setTimeout(r, 300)); // room for a wrongly sent second copy to arrive
    expect(h.mailbox.list().filter((m) => m.to.includes(request.partyEmail))).toHaveLength(1);
    expect(mails[0]!.messageId).toBe(stableMessageId(`approval-request:${request.requestId}`, h.deps.publicUrl));
    expect(await h.db.approvalRequest.count({ where: { applicationId } })).toBe(1);
    expect(await h.db.approvalToken.count({ where: { approvalRequestId: request.requestId, revokedAt: null } })).toBe(1);
    expect(await count(applicationId, 'approval.requested')).toBe(1);
    expect(await count(applicationId, 'email.sent')).toBe(1);
  });

  it('record a failed delivery as retrying with its next attempt, then deliver the very same message once on retry', async () => {
    const { applicationId, request } = await newApplication();
    const refusingMailer = createSmtpMailer(`smtp://127.0.0.1:${await freePort()}`, 'k2flow <tests@k2flow.local>');
    const before = Date.now();
    await expect(createActivities({ ...h.deps, mailer: refusingMailer }).openApprovalRequest(request)).rejects.toThrow();
    refusingMailer.close();
    const failed = await h.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: `approval-request:${request.requestId}` } });
    expect(failed).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(failed.lastError).toMatch(/ECONNREFUSED/);
    expect(failed.nextAttemptAt!.getTime()).toBeGreaterThan(before);

    const activities = createActivities(h.deps);
    await activities.openApprovalRequest(request);
    await activities.openApprovalRequest(request);
    await h.mailbox.waitFor(request.partyEmail, 1);
    expect(h.mailbox.list().filter((m) => m.to.includes(request.partyEmail))).toHaveLength(1);
    const sent = await h.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: `approval-request:${request.requestId}` } });
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, lastError: null, nextAttemptAt: null });
    // The retry sent the message composed the first time: its link is the one issued then, still the only one.
    const tokens = await h.db.approvalToken.findMany({ where: { approvalRequestId: request.requestId }, select: { revokedAt: true } });
    expect(tokens).toEqual([{ revokedAt: null }]);
    expect(await count(applicationId, 'email.sent')).toBe(1);
  });

  it('record a decision once', async () => {
    const { applicationId, request } = await newApplication();
    const activities = createActivities(h.deps);
    await activities.openApprovalRequest(request);
    const decision = {
      applicationId,
      unitKey: 'unit-1',
      requestId: request.requestId,
      stepId: 'unit-confirmation',
      round: 1,
      decision: 'reject' as const,
      comment: 'No',
      services: null,
      partyEmail: request.partyEmail,
      decidedAt: new Date().toISOString(),
      late: false,
    };
    await activities.recordDecision(decision);
    await activities.recordDecision(decision);
    expect(await count(applicationId, 'approval.decided')).toBe(1);
    expect(await h.db.approvalRequest.findUniqueOrThrow({ where: { id: request.requestId }, select: { status: true } })).toEqual({ status: 'rejected' });
  });
});

describe('activities that cannot succeed', () => {
  it('fail at once, non-retryable and typed, when the row they need is not there', async () => {
    const missing = `app-${randomUUID()}`;
    const attempt = createActivities(h.deps).recordProceededWithoutMissing({ applicationId: missing, stepId: 'board-approval', unitKey: null, deadline: new Date().toISOString(), missing: [] });
    await expect(attempt).rejects.toMatchObject({ name: 'ApplicationFailure', type: 'RecordNotFound', nonRetryable: true });
    expect(await h.db.auditEvent.count({ where: { applicationId: missing } })).toBe(0);
  });
});
