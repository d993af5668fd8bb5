import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../auth/identity';
import { isInProgress } from '../../domain/action-in-progress';
import type { ApplicationService } from '../services/applications';
import { identityOf } from './guard';
import type { HttpApp } from './server';
import { noteSubject } from './request-log';
import { applicationId, onApplication, unitKey } from './route-schemas';

// Ids are ours (app-<uuid> or app-<hash>) and unit keys are short slugs: anything else is refused before it reaches a query.
const onUnit = z.object({ id: applicationId, unitKey });
const onRequest = z.object({ id: applicationId, requestId: z.string().regex(/^[A-Za-z0-9._:-]{1,300}$/, 'is not a request id') });

const futureDeadline = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }).refine((d) => Date.parse(d) > Date.now(), 'must be in the future');
const resubmitChanges = z
  .object({
    projectReference: z.string().trim().min(1, 'is required').max(100).optional().describe("A unit's new project reference (a unit's resubmission)."),
    services: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'is not a unit key'), z.array(z.string().max(63)).min(1, 'must keep at least one service').max(100))
      .optional()
      .describe("Units' declared services as amended, by unit key (the application's own resubmission, after the declarations)."),
  })
  .strict();
const resubmitBody = z
  .object({ note: z.string().trim().max(4000).optional(), changes: resubmitChanges.optional(), deadline: futureDeadline.optional().describe('A new deadline for the step the work goes back to; without one it is the later of its last deadline and its reopening bound (5 working days by default).') })
  .strict();
const reasonBody = z.object({ reason: z.string().trim().min(3, 'must say why, in at least 3 characters').max(4000) }).strict();
const deadlineBody = z.object({ deadline: futureDeadline }).strict();
const emptyBody = z.object({}).strict().optional();
const startHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200).optional() });

/** A JSON object body whose fields the service checks (and names, when they are wrong). */
export const anyJson = z.record(z.string(), z.unknown());
const tags = ['applications'];

/** Per-key (or per-session) limit on the API: generous for people and scripts, a wall for a runaway loop. */
export const perCaller = { max: 600, timeWindow: '1 minute', hook: 'preHandler' as const, keyGenerator: (r: FastifyRequest) => r.identity?.apiKeyId ?? r.identity?.sessionId ?? r.ip };

/** The coordinator and admin JSON API. Errors are mapped to statuses once, by the server. */
export function addApiRoutes(app: HttpApp, applications: ApplicationService): void {
  const by = (request: FastifyRequest) => actorOf(identityOf(request), request.id);
  const reach = (request: FastifyRequest, id: string) => applications.authorize(identityOf(request), id);
  /** An action's answer: `done(result)` once it is carried out, 202 with a sentence while it still is. */
  const answered = <T>(reply: FastifyReply, result: T, done: (r: Exclude<T, { inProgress: true }>) => unknown) =>
    isInProgress(result) ? reply.code(202).send(result) : done(result as Exclude<T, { inProgress: true }>);

  app.get('/api/applications', { config: { access: 'read', rateLimit: perCaller }, schema: { summary: 'Recent applications you may see.', tags } }, async (request) => ({
    applications: await applications.list(identityOf(request)),
  }));

  app.post(
    '/api/applications',
    {
      config: { access: 'act', rateLimit: perCaller, invalid: 'The application input is invalid' },
      schema: { summary: 'Start an application of any financing variant, in your office.', tags, headers: startHeaders, body: anyJson.describe('An application input; see README "Financing variants".') },
    },
    async (request, reply) => {
      const identity = identityOf(request);
      const started = await applications.start(request.body, request.headers['idempotency-key'] || undefined, { office: identity.office, by: actorOf(identity, request.id) });
      void reply.header('location', `/api/applications/${started.id}`).code(started.created ? 201 : 200);
      noteSubject(request, { applicationId: started.id, workflowId: started.id });
      return { id: started.id, links: { self: `/api/applications/${started.id}`, history: `/api/applications/${started.id}/history` } };
    },
  );

  app.get('/api/applications/:id', { config: { access: 'read', rateLimit: perCaller }, schema: { summary: "An application's state, steps, parties and records.", tags, params: onApplication } }, async (request) => {
    await reach(request, request.params.id);
    return applications.get(request.params.id);
  });

  app.get(
    '/api/applications/:id/history',
    { config: { access: 'read', rateLimit: perCaller }, schema: { summary: 'The audit trail and the Temporal event histories; the read is audited.', tags, params: onApplication } },
    async (request) => {
      await reach(request, request.params.id);
      const history = await applications.history(request.params.id);
      await applications.recordHistoryRead(request.params.id, by(request));
      return history;
    },
  );

  app.get('/api/applications/:id/messages', { config: { access: 'read', rateLimit: perCaller }, schema: { summary: 'Every email sent for the application, with its delivery status.', tags, params: onApplication } }, async (request) => {
    await reach(request, request.params.id);
    return applications.messages(request.params.id);
  });

  app.post(
    '/api/applications/:id/resubmit',
    { config: { access: 'act', rateLimit: perCaller, invalid: 'The resubmission is invalid' }, schema: { summary: "Resubmit the application's own work after changes were requested.", tags, params: onApplication, body: resubmitBody.optional() } },
    async (request, reply) => {
      await reach(request, request.params.id);
      return answered(reply, await applications.resubmit(request.params.id, undefined, request.body ?? {}, by(request)), () => ({ resubmitted: true }));
    },
  );
  app.post(
    '/api/applications/:id/requests/:requestId/deputy',
    {
      config: { access: 'act', rateLimit: perCaller, invalid: 'The deputy is invalid' },
      schema: {
        summary: "Name a deputy for a party's pending request (name, email, optional language and until): the deputy is emailed a link of their own; the party's keeps working; the first decision counts once.",
        tags,
        params: onRequest,
        body: anyJson.describe('{"name", "email", "language"?: "pl" | "en", "until"?: a date or an ISO 8601 date-time}'),
      },
    },
    async (request, reply) => {
      await reach(request, request.params.id);
      return answered(reply, await applications.nameDeputy(request.params.id, request.params.requestId, request.body, by(request)), (named) => named);
    },
  );

  app.post(
    '/api/applications/:id/people/replace',
    {
      config: { access: 'act', rateLimit: perCaller, invalid: 'The replacement is invalid' },
      schema: {
        summary: "Put another person in someone's place while the application runs: their open requests pass to the new person (the old links stop working, the new person is invited), and later steps ask the new person.",
        tags,
        params: onApplication,
        body: anyJson.describe('{"email": the address of the person replaced, "person": {"name", "email", "language"?}}'),
      },
    },
    async (request, reply) => {
      await reach(request, request.params.id);
      return answered(reply, await applications.replacePerson(request.params.id, request.body, by(request)), (replaced) => replaced);
    },
  );

  app.post(
    '/api/applications/:id/units/:unitKey/resubmit',
    { config: { access: 'act', rateLimit: perCaller, invalid: 'The resubmission is invalid' }, schema: { summary: "Resubmit a unit's work after changes were requested.", tags, params: onUnit, body: resubmitBody.optional() } },
    async (request, reply) => {
      await reach(request, request.params.id);
      return answered(reply, await applications.resubmit(request.params.id, request.params.unitKey, request.body ?? {}, by(request)), () => ({ resubmitted: true }));
    },
  );

  // Deadline actions on the application's own step, or (under /units/:unitKey) on a unit's.
  for (const [prefix, params] of [
    ['/api/applications/:id', onApplication],
    ['/api/applications/:id/units/:unitKey', onUnit],
  ] as const) {
    app.post(
      `${prefix}/extend-deadline`,
      { config: { access: 'act', rateLimit: perCaller, invalid: 'The new deadline is invalid' }, schema: { summary: 'Extend the deadline of the step now waiting.', tags, params, body: deadlineBody } },
      async (request, reply) => {
        const { id, unitKey } = request.params as { id: string; unitKey?: string };
        await reach(request, id);
        return answered(reply, await applications.extendDeadline(id, unitKey, request.body.deadline, by(request)), (extended) => extended);
      },
    );
    app.post(
      `${prefix}/proceed`,
      { config: { access: 'act', rateLimit: perCaller }, schema: { summary: 'After a missed deadline, go on without the missing parties.', tags, params, body: emptyBody } },
      async (request, reply) => {
        const { id, unitKey } = request.params as { id: string; unitKey?: string };
        await reach(request, id);
        return answered(reply, await applications.proceedWithoutMissing(id, unitKey, by(request)), () => ({ proceeding: true }));
      },
    );
  }

  app.post(
    '/api/applications/:id/withdraw',
    { config: { access: 'act', rateLimit: perCaller, invalid: 'The withdrawal is invalid' }, schema: { summary: 'Withdraw the application; pending links stop working.', tags, params: onApplication, body: reasonBody } },
    async (request, reply) => {
      await reach(request, request.params.id);
      return answered(reply, await applications.withdraw(request.params.id, request.body.reason, by(request)), (state) => ({ state }));
    },
  );

  app.post(
    '/api/applications/:id/units',
    { config: { access: 'act', rateLimit: perCaller, invalid: 'The unit is invalid' }, schema: { summary: 'Add a unit while sign-offs are being collected.', tags, params: onApplication, body: anyJson.describe('A unit, as in the application input.') } },
    async (request, reply) => {
      await reach(request, request.params.id);
      return answered(reply, await applications.addUnit(request.params.id, request.body, by(request)), (state) => ({ state }));
    },
  );

  app.post(
    '/api/applications/:id/units/:unitKey/remove',
    { config: { access: 'act', rateLimit: perCaller, invalid: 'The removal is invalid' }, schema: { summary: 'Remove a unit; its pending links stop working.', tags, params: onUnit, body: reasonBody } },
    async (request, reply) => {
      await reach(request, request.params.id);
      return answered(reply, await applications.removeUnit(request.params.id, request.params.unitKey, request.body.reason, by(request)), (state) => ({ state }));
    },
  );
}
