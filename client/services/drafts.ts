import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Identity } from '../../auth/identity';
import { seesEveryOffice } from '../../auth/roles';
import type { Db } from '../../db/prisma-client';
import type { Prisma } from '../../generated/prisma/client';
import type { Actor } from '../../domain/actor';
import { applicationInput, variants, type ApplicationInput } from '../../domain/application-input';
import { DomainError, fieldProblems, parseOrThrow, type FieldProblem } from '../../domain/domain-error';
import { latestDefinition } from '../../definitions';
import { effectiveDeadline } from '../../workflows/calendar/business-calendar';
import { reminderPolicyFor, reminderTimes, type ScheduleUnit } from '../../workflows/calendar/schedule';
import { fillAsk, partiesFor } from '../../workflows/engine/parties';
import type { ApplicationService } from './applications';

// Drafts: an application prepared, checked and previewed before anything happens. A draft may be
// incomplete; it starts no workflow and sends no email. Sending it starts the application through
// the same service as the API, once, whoever presses it and however often.

/** What a draft must have to be kept at all: its variant (the rest is checked when previewed or sent). */
const draftInput = z
  .object({
    variant: z.enum(variants, { message: `must be one of: ${variants.join(', ')}` }),
    title: z.string().max(300).optional(),
  })
  .passthrough();

export interface DraftPreview {
  /** Whether it can be sent as it is; `problems` names every field that stops it. */
  valid: boolean;
  problems: FieldProblem[];
  /** Who will be asked what and when, stage by stage (empty while it cannot be sent). */
  stages: Array<{
    stageId: string;
    scope: 'application' | 'per-unit';
    steps: Array<{
      stepId: string;
      unitKey: string | null;
      ask: string;
      /** As the input gives it, and where the working-day calendar moves it (a weekend, a Polish holiday). */
      deadline: string;
      effectiveDeadline: string;
      parties: Array<{ role: string; name: string; email: string; language: 'pl' | 'en' }>;
      /** When pending parties will be reminded (the workflow's own schedule), counted from now: a later step reminds only from when it opens. */
      reminders: string[];
    }>;
  }>;
}

export function createDraftService({ db, applications, scheduleUnit = { kind: 'working-day' }, clock = () => new Date() }: { db: Db; applications: ApplicationService; scheduleUnit?: ScheduleUnit; clock?: () => Date }) {
  /** The draft, if the person may see it: another office's is not there to a coordinator (404, as for an unused id). */
  async function reach(identity: Identity, id: string) {
    const draft = await db.draft.findUnique({ where: { id } });
    if (!draft || (!seesEveryOffice(identity.role) && draft.office !== identity.office)) throw new DomainError('NOT_FOUND', `No draft with id ${id}.`);
    return draft;
  }

  /** A send that claimed the draft and never finished (its server stopped) no longer holds it after this. */
  const CLAIM_MS = 5 * 60_000;
  const staleClaim = (draft: { sentAt: Date | null; applicationId: string | null }) => !!draft.sentAt && !draft.applicationId && clock().getTime() - draft.sentAt.getTime() > CLAIM_MS;

  const unsent = <T extends { sentAt: Date | null; applicationId: string | null; id: string }>(draft: T): T => {
    if (draft.sentAt && !staleClaim(draft)) {
      throw new DomainError('CONFLICT', draft.applicationId ? `Draft ${draft.id} was sent as application ${draft.applicationId}; it can no longer be changed.` : `Draft ${draft.id} is being sent; try again in a few minutes.`);
    }
    return draft;
  };
  /** Not sent, or claimed by a send that never finished. */
  const open = () => ({ OR: [{ sentAt: null }, { applicationId: null, sentAt: { lt: new Date(clock().getTime() - CLAIM_MS) } }] });

  async function save(raw: unknown, identity: Identity) {
    const kept = parseOrThrow(draftInput, raw, 'The draft is invalid');
    const id = `draft-${randomUUID()}`;
    await db.draft.create({ data: { id, office: identity.office, createdById: identity.userId, createdByName: identity.name, variant: kept.variant, title: kept.title ?? '', input: kept as Prisma.InputJsonObject } });
    return { id };
  }

  async function update(id: string, raw: unknown, identity: Identity) {
    unsent(await reach(identity, id));
    const kept = parseOrThrow(draftInput, raw, 'The draft is invalid');
    const { count } = await db.draft.updateMany({ where: { id, ...open() }, data: { variant: kept.variant, title: kept.title ?? '', input: kept as Prisma.InputJsonObject, sentAt: null } });
    if (!count) unsent(await reach(identity, id));
    return { id };
  }

  /**
   * A draft read once and checked once: the record, the check's zod issues (for a page to word in
   * its language) and, when it can be sent, who will be asked what and when.
   */
  async function inspect(id: string, identity: Identity) {
    const draft = await reach(identity, id);
    const checked = applicationInput.safeParse(draft.input);
    return { draft, issues: checked.error?.issues ?? [], stages: checked.success ? draftPlan(checked.data, clock().getTime(), scheduleUnit) : [] };
  }

  async function get(id: string, identity: Identity) {
    const { draft, issues } = await inspect(id, identity);
    return { ...draft, problems: fieldProblems(issues) };
  }

  async function list(identity: Identity) {
    const drafts = await db.draft.findMany({
      where: { applicationId: null, ...(seesEveryOffice(identity.role) ? {} : { office: identity.office }) },
      select: { id: true, variant: true, title: true, office: true, createdByName: true, createdAt: true, updatedAt: true },
      orderBy: { updatedAt: 'desc' },
      take: 200,
    });
    return { drafts };
  }

  async function remove(id: string, identity: Identity) {
    unsent(await reach(identity, id));
    const { count } = await db.draft.deleteMany({ where: { id, ...open() } });
    // A send claimed it meanwhile: it is not removed, and says why.
    if (!count) unsent(await reach(identity, id));
    return { id, removed: true };
  }

  async function preview(id: string, identity: Identity): Promise<DraftPreview> {
    const { issues, stages } = await inspect(id, identity);
    return { valid: !issues.length, problems: fieldProblems(issues), stages };
  }

  /**
   * Starts the application the draft describes. The draft is claimed first, so two presses (or
   * two people) start one application; a refusal (invalid input, Temporal away) releases it.
   */
  async function send(id: string, identity: Identity, by: Actor, { replacing }: { replacing?: unknown } = {}) {
    unsent(await reach(identity, id));
    // Sent as edited (the form's Start): the new input and the claim in one write, so no other edit slips between them.
    const edited = replacing === undefined ? null : parseOrThrow(draftInput, replacing, 'The draft is invalid');
    const claimedAt = clock();
    const { count } = await db.draft.updateMany({
      where: { id, ...open() },
      data: { sentAt: claimedAt, ...(edited ? { variant: edited.variant, title: edited.title ?? '', input: edited as Prisma.InputJsonObject } : {}) },
    });
    if (!count) unsent(await reach(identity, id));
    try {
      const draft = await reach(identity, id);
      // The draft owns the key: a send repeated after one that started it and stopped short finds the same application.
      const started = await applications.start(draft.input, `draft:${id}`, { office: draft.office, by, keyOwner: id });
      await db.draft.update({ where: { id }, data: { applicationId: started.id } });
      return { id: started.id, draftId: id };
    } catch (error) {
      await db.draft.updateMany({ where: { id, sentAt: claimedAt, applicationId: null }, data: { sentAt: null } });
      throw error;
    }
  }

  return { save, update, inspect, get, list, remove, preview, send };
}

export type DraftService = ReturnType<typeof createDraftService>;

/** Who the workflow will ask what and when, from the same definition, parties and schedule it uses. */
export function draftPlan(input: ApplicationInput, now: number, unit: ScheduleUnit): DraftPreview['stages'] {
  const definition = latestDefinition(input.variant);
  const deadlines = input.deadlines as Record<string, string>;
  return definition.stages.map((stage) => ({
    stageId: stage.id,
    scope: stage.scope,
    steps: (stage.scope === 'application' ? [null] : input.units).flatMap((u) =>
      stage.steps.map((step) => {
        const given = Date.parse(deadlines[step.deadline]!);
        const effective = unit.kind === 'working-day' ? effectiveDeadline(given) : given;
        const policy = reminderPolicyFor(input, step);
        return {
          stepId: step.id,
          unitKey: u?.key ?? null,
          // As the parties read it by default (Polish), where the definition has it.
          ask: fillAsk(step.askPl ?? step.ask, input, u, '…'),
          deadline: new Date(given).toISOString(),
          effectiveDeadline: new Date(effective).toISOString(),
          parties: step.roles.flatMap((role) => partiesFor(role, input, u)).map((p) => ({ role: p.role, name: p.name, email: p.email, language: p.language ?? 'pl' })),
          reminders: reminderTimes(effective, policy, now, unit).map((at) => new Date(at).toISOString()),
        };
      }),
    ),
  }));
}
