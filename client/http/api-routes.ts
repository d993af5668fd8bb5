import { z } from 'zod';
import { parseOrThrow } from '../../domain/domain-error';
import type { ApplicationService } from '../services/applications';
import { readJson } from './body';
import { sendJson } from './respond';
import type { createRouter } from './router';

const resubmitBody = z.object({ note: z.string().trim().max(4000).optional() }).strict();
const reasonBody = z.object({ reason: z.string().trim().min(3, 'must say why, in at least 3 characters').max(4000) }).strict();
const deadlineBody = z
  .object({
    deadline: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }).refine((d) => Date.parse(d) > Date.now(), 'must be in the future'),
  })
  .strict();

/** The coordinator and admin JSON API. Errors are mapped to statuses once, by the server. */
export function addApiRoutes(router: ReturnType<typeof createRouter>, applications: ApplicationService): void {
  router.get('/api/applications', async (_req, res) => {
    sendJson(res, 200, { applications: await applications.list() });
  });

  router.post('/api/applications', async (req, res) => {
    const key = req.headers['idempotency-key'];
    const started = await applications.start(await readJson(req), typeof key === 'string' && key ? key : undefined);
    res.setHeader('location', `/api/applications/${started.id}`);
    sendJson(res, started.created ? 201 : 200, { id: started.id, links: { self: `/api/applications/${started.id}`, history: `/api/applications/${started.id}/history` } });
  });

  router.get('/api/applications/:id', async (_req, res, { id }) => {
    sendJson(res, 200, await applications.get(id!));
  });

  router.get('/api/applications/:id/history', async (_req, res, { id }) => {
    sendJson(res, 200, await applications.history(id!));
  });

  router.get('/api/applications/:id/messages', async (_req, res, { id }) => {
    sendJson(res, 200, await applications.messages(id!));
  });

  router.post('/api/applications/:id/resubmit', async (req, res, { id }) => {
    const { note } = parseOrThrow(resubmitBody, await readJson(req), 'The resubmission is invalid');
    await applications.resubmit(id!, undefined, note);
    sendJson(res, 200, { resubmitted: true });
  });

  router.post('/api/applications/:id/units/:unitKey/resubmit', async (req, res, { id, unitKey }) => {
    const { note } = parseOrThrow(resubmitBody, await readJson(req), 'The resubmission is invalid');
    await applications.resubmit(id!, unitKey!, note);
    sendJson(res, 200, { resubmitted: true });
  });

  // Deadline actions on the application's own step, or (under /units/:unitKey) on a unit's.
  for (const prefix of ['/api/applications/:id', '/api/applications/:id/units/:unitKey']) {
    router.post(`${prefix}/extend-deadline`, async (req, res, { id, unitKey }) => {
      const { deadline } = parseOrThrow(deadlineBody, await readJson(req), 'The new deadline is invalid');
      sendJson(res, 200, await applications.extendDeadline(id!, unitKey, deadline));
    });
    router.post(`${prefix}/proceed`, async (_req, res, { id, unitKey }) => {
      await applications.proceedWithoutMissing(id!, unitKey);
      sendJson(res, 200, { proceeding: true });
    });
  }

  router.post('/api/applications/:id/withdraw', async (req, res, { id }) => {
    const { reason } = parseOrThrow(reasonBody, await readJson(req), 'The withdrawal is invalid');
    sendJson(res, 200, { state: await applications.withdraw(id!, reason) });
  });

  router.post('/api/applications/:id/units', async (req, res, { id }) => {
    sendJson(res, 200, { state: await applications.addUnit(id!, await readJson(req)) });
  });

  router.post('/api/applications/:id/units/:unitKey/remove', async (req, res, { id, unitKey }) => {
    const { reason } = parseOrThrow(reasonBody, await readJson(req), 'The removal is invalid');
    sendJson(res, 200, { state: await applications.removeUnit(id!, unitKey!, reason) });
  });
}
