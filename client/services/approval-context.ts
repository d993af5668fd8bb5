import type { Db } from '../../db/prisma-client';
import { Prisma } from '../../generated/prisma/client';
import { definitionOf } from '../../definitions';
import type { StageDefinition, StepDefinition } from '../../workflows/engine/definition';
import { servicesOf } from '../../activities/record-decision';
import type { ApprovalLinkView } from './approvals';
import type { DocumentRef } from '../../domain/document-ref';
import type { ChangeMade } from '../../workflows/messages';
import { replaceInInput } from '../../domain/people-in-input';
import type { DocumentService, DocumentVersionView } from './documents';

/** Another party of the same step and round, as the approver's page may show them. */
export interface OtherParty {
  name: string;
  role: string;
  status: string;
}

/**
 * What an approver needs beside the ask to decide: the step as its definition says (for what each
 * decision does), the unit's project reference, the application's people and catalogue, the
 * declarations a promoter signs for, what changed since the last round, and the step's other
 * parties. Read for the page only (GET), never on the decision's hot path.
 */
export interface ApprovalContext {
  step: StepDefinition | null;
  stage: StageDefinition | null;
  /** Whether this is the stage's last step (approving it ends the stage). */
  lastOfStage: boolean;
  projectReference: string | null;
  promoter: string | null;
  units: string[];
  /** The units' keys, in the order of `units`. */
  unitKeys: string[];
  /** For steps after the declarations (the promoter's, the final approval): each unit's answer. */
  declarations: Array<{ unit: string; status: string; services: string[] }> | null;
  /** From round 2 on: the request for changes that started this round, and the coordinator's note. */
  changesAsked: string | null;
  coordinatorNote: string | null;
  /** What the coordinator changed of what was asked, resubmitting (before and after). */
  changes: ChangeMade[];
  others: OtherParty[];
  /** The latest version of each document the party sees; from round 2 on, whether it changed since the last round. */
  documents: Array<DocumentVersionView & { sinceLastRound: 'changed' | 'new' | null }>;
  /** The document versions the party's decision was made on, once there is one. */
  decidedOn: DocumentRef[] | null;
  /** The party's deputy whose link works now, if one was named; and who decided, when a deputy did. */
  deputy: { name: string; email: string; until: Date | null } | null;
  decidedBy: { name: string; email: string } | null;
}

interface InputPeople {
  promoter?: { name: string };
  units?: Array<{ key: string; name: string }>;
}

/** The page's facts that every round needs, read in one statement (the page is opened often). */
interface PageRow {
  application: { variant: string; definitionVersion: number; input: unknown } | null;
  projectReference: string | null;
  others: Array<{ partyName: string; partyRole: string; status: string }>;
  own: { documents: unknown; decidedByName: string | null; decidedByEmail: string | null } | null;
  deputy: { holderName: string | null; approverEmail: string; holderUntil: string | null } | null;
  amendments: Array<{ type: string; data: unknown }>;
}

async function pageFacts(db: Db, view: ApprovalLinkView): Promise<PageRow> {
  // amendments: people replaced and declarations amended since the start (the input kept is the one it started with).
  const [row] = await db.$queryRaw<PageRow[]>`
    SELECT
      (SELECT json_build_object('variant', a."variant", 'definitionVersion', a."definitionVersion", 'input', a."input") FROM "Application" a WHERE a."id" = ${view.applicationId}) AS "application",
      (SELECT u."projectReference" FROM "ApplicationUnit" u WHERE u."applicationId" = ${view.applicationId} AND u."unitKey" = ${view.unitKey}) AS "projectReference",
      (SELECT coalesce(json_agg(json_build_object('partyName', r."partyName", 'partyRole', r."partyRole", 'status', r."status") ORDER BY r."createdAt"), '[]'::json)
         FROM "ApprovalRequest" r
         WHERE r."applicationId" = ${view.applicationId} AND r."unitKey" IS NOT DISTINCT FROM ${view.unitKey} AND r."step" = ${view.stepId} AND r."round" = ${view.round} AND r."id" <> ${view.requestId}) AS "others",
      (SELECT json_build_object('documents', r."documents", 'decidedByName', r."decidedByName", 'decidedByEmail', r."decidedByEmail") FROM "ApprovalRequest" r WHERE r."id" = ${view.requestId}) AS "own",
      (SELECT json_build_object('holderName', t."holderName", 'approverEmail', t."approverEmail", 'holderUntil', t."holderUntil")
         FROM "ApprovalToken" t
         WHERE t."approvalRequestId" = ${view.requestId} AND t."onBehalf" AND t."revokedAt" IS NULL AND t."expiresAt" > now() AT TIME ZONE 'UTC'
         LIMIT 1) AS "deputy",
      (SELECT coalesce(json_agg(json_build_object('type', e."type", 'data', e."data") ORDER BY e."occurredAt", e."id"), '[]'::json)
         FROM "AuditEvent" e WHERE e."applicationId" = ${view.applicationId} AND e."type" IN ('person.replaced', 'resubmitted')) AS "amendments"`;
  return row!;
}

export async function loadApprovalContext(db: Db, documents: DocumentService, view: ApprovalLinkView): Promise<ApprovalContext> {
  const branch = { applicationId: view.applicationId, unitKey: view.unitKey };
  const [facts, asked, note, shown, previousRound] = await Promise.all([
    pageFacts(db, view),
    view.round > 1
      ? db.approvalRequest.findFirst({ where: { ...branch, round: view.round - 1, status: 'changes-requested' }, select: { comment: true }, orderBy: { decidedAt: 'desc' } })
      : null,
    view.round > 1
      ? db.auditEvent.findFirst({
          where: { applicationId: view.applicationId, type: 'resubmitted', AND: [{ data: { path: ['round'], equals: view.round } }, { data: { path: ['unitKey'], equals: view.unitKey ?? Prisma.JsonNull } }] },
          select: { data: true },
        })
      : null,
    documents.currentFor({ applicationId: view.applicationId, unitKey: view.unitKey, stepId: view.stepId }),
    // When the last round of this step opened: documents uploaded after it changed since.
    view.round > 1 ? db.approvalRequest.findFirst({ where: { ...branch, step: view.stepId, round: view.round - 1 }, select: { createdAt: true }, orderBy: { createdAt: 'asc' } }) : null,
  ]);
  if (!facts.application) throw new Error(`No application ${view.applicationId} for request ${view.requestId}.`);
  const { application, others, own, amendments } = facts;
  const deputy = facts.deputy ? { ...facts.deputy, holderUntil: facts.deputy.holderUntil ? new Date(`${facts.deputy.holderUntil}Z`) : null } : null;
  const since = previousRound?.createdAt.toISOString() ?? null;
  const definition = definitionOf(application.variant, application.definitionVersion);
  const stage = definition?.stages.find((s) => s.steps.some((st) => st.id === view.stepId)) ?? null;
  const step = stage?.steps.find((st) => st.id === view.stepId) ?? null;
  // The people as they stand now.
  const input = structuredClone(application.input) as InputPeople;
  for (const a of amendments) {
    const d = a.data as { from?: { email: string }; to?: { name: string; email: string } };
    if (a.type === 'person.replaced' && d.from && d.to) replaceInInput(input, d.from.email, d.to);
  }
  const amended = new Map<string, string[]>();
  for (const a of amendments) for (const c of (a.data as { changes?: ChangeMade[] }).changes ?? []) if (c.field === 'services' && c.unitKey) amended.set(c.unitKey, c.after as string[]);
  const units = (input.units ?? []).map((u) => u.name);
  // A sign-off after a declaration stage covers what the units declared: show it.
  const stageIndex = definition && stage ? definition.stages.indexOf(stage) : -1;
  const declarationStep = definition?.stages.slice(0, Math.max(stageIndex, 0)).flatMap((s) => s.steps).find((st) => st.kind === 'declaration');
  const declarations = declarationStep ? await declarationsOf(db, view.applicationId, declarationStep.id, input, amended) : null;
  return {
    step,
    stage,
    lastOfStage: !!stage && stage.steps.at(-1)?.id === view.stepId,
    projectReference: facts.projectReference,
    promoter: input.promoter?.name ?? null,
    units,
    unitKeys: (input.units ?? []).map((u) => u.key),
    declarations,
    changesAsked: asked?.comment ?? null,
    coordinatorNote: ((note?.data ?? null) as { note?: string | null } | null)?.note ?? null,
    changes: ((note?.data ?? null) as { changes?: ChangeMade[] } | null)?.changes ?? [],
    others: others.map((o) => ({ name: o.partyName, role: o.partyRole, status: o.status })),
    documents: shown.map((d) => ({ ...d, sinceLastRound: since === null || d.uploadedAt <= since ? null : d.version === 1 ? 'new' : 'changed' })),
    decidedOn: (own?.documents ?? null) as DocumentRef[] | null,
    deputy: deputy ? { name: deputy.holderName ?? deputy.approverEmail, email: deputy.approverEmail, until: deputy.holderUntil } : null,
    decidedBy: own?.decidedByEmail ? { name: own.decidedByName ?? own.decidedByEmail, email: own.decidedByEmail } : null,
  };
}

/** Each unit's latest answer to the declaration step. */
async function declarationsOf(db: Db, applicationId: string, stepId: string, input: InputPeople, amended: Map<string, string[]>) {
  const rows = await db.approvalRequest.findMany({
    where: { applicationId, step: stepId, status: { in: ['declared', 'declined'] } },
    select: { unitKey: true, status: true, formData: true },
    orderBy: { round: 'asc' },
  });
  const latest = new Map(rows.map((r) => [r.unitKey, r]));
  return [...latest.values()].map((r) => ({
    unit: input.units?.find((u) => u.key === r.unitKey)?.name ?? r.unitKey ?? '',
    status: r.status,
    services: (r.unitKey ? amended.get(r.unitKey) : undefined) ?? servicesOf(r.formData) ?? [],
  }));
}
