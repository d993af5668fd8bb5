import { createServer, type Server } from 'node:http';
import type { Mailbox } from '../../dev/mailbox';
import { DomainError, isDomainError } from '../../domain/domain-error';
import { isTemporalUnavailable } from '../services/temporal-errors';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/prisma-client';
import type { ScheduleUnit } from '../../workflows/calendar/schedule';
import { createApplicationService } from '../services/applications';
import { createApprovalService } from '../services/approvals';
import { addApiRoutes } from './api-routes';
import { addApprovalRoutes } from './approval-routes';
import { addMailboxRoutes } from './mailbox-routes';
import { page } from './pages/layout';
import { sendJson, sendJsonError, sendPage } from './respond';
import { createRouter } from './router';

export interface HttpDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** What a working day of reminders is for applications started here (default: working days). */
  scheduleUnit?: ScheduleUnit;
  clock?: () => Date;
  /** Present only with the embedded development mailbox. */
  mailbox?: Mailbox;
  log?: (line: string) => void;
}

/** The coordinator API, the approvers' pages and (in development) the mailbox, on one server. */
export function createHttpServer({ db, temporal, taskQueue, scheduleUnit, clock = () => new Date(), mailbox, log = () => {} }: HttpDeps): Server {
  const applications = createApplicationService({ db, temporal, taskQueue, scheduleUnit });
  const approvals = createApprovalService({ db, temporal, clock });
  const router = createRouter();
  router.get('/healthz', async (_req, res) => sendJson(res, 200, { ok: true }));
  router.get('/', async (_req, res) =>
    sendPage(res, 200, page('k2flow', `<p>Joint funding applications, run on Temporal.</p><ul><li><a href="/api/applications">Applications (JSON)</a></li>${mailbox ? '<li><a href="/dev/mailbox">Development mailbox</a></li>' : ''}</ul>`)),
  );
  addApiRoutes(router, applications);
  addApprovalRoutes(router, approvals);
  if (mailbox) addMailboxRoutes(router, mailbox);

  return createServer(async (req, res) => {
    const started = performance.now();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = router.match(req.method ?? 'GET', path);
    const routeName = match && match !== 'method-not-allowed' ? match.route.pattern : path.startsWith('/approvals/') ? '/approvals/:token' : 'unmatched';
    try {
      if (match === null) sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${routeName}.` } });
      else if (match === 'method-not-allowed') sendJson(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${req.method} is not allowed here.` } });
      else await match.route.handler(req, res, match.params);
    } catch (error) {
      if (isDomainError(error)) sendJsonError(res, error);
      else if (isTemporalUnavailable(error)) sendJsonError(res, new DomainError('UNAVAILABLE', 'The workflow service cannot be reached right now; try again shortly.'));
      else {
        log(`error in ${req.method} ${routeName}: ${(error as Error).stack ?? error}`);
        if (!res.headersSent) sendJson(res, 500, { error: { code: 'INTERNAL', message: 'Something went wrong on our side; it has been logged.' } });
      }
    } finally {
      // Logged by route pattern, never the raw path: approval tokens travel in paths.
      log(`${req.method} ${routeName} ${res.statusCode} ${(performance.now() - started).toFixed(0)}ms`);
    }
  });
}
