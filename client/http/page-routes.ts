import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../auth/identity';
import { roleMay } from '../../auth/roles';
import { isLang } from '../../i18n/messages';
import type { Lang } from '../../mail/html';
import { applicationFilters, type createApplicationSearch } from '../services/application-search';
import type { ApplicationService } from '../services/applications';
import type { createDashboard } from '../services/dashboard';
import type { createHistoryView } from '../services/history-view';
import { identityOf } from './guard';
import { applicationsPage } from './pages/applications-page';
import { dashboardPage } from './pages/dashboard-page';
import { historyPage } from './pages/history-page';
import { preferredLanguage } from './pages/outage-page';
import type { HttpApp } from './server';

/** A signed-in person's page language: the one chosen (?lang=), else the browser's, else Polish. */
const languageOf = (request: FastifyRequest): Lang => {
  const chosen = (request.query as { lang?: string } | undefined)?.lang;
  return isLang(chosen) ? chosen : (preferredLanguage(request.headers['accept-language']) ?? 'pl');
};

/** Pages for people who sign in (coordinators, admins, auditors), from the same services as the API. */
export function addPageRoutes(
  app: HttpApp,
  {
    search,
    historyView,
    applications,
    dashboard,
  }: { search: ReturnType<typeof createApplicationSearch>; historyView: ReturnType<typeof createHistoryView>; applications: ApplicationService; dashboard: ReturnType<typeof createDashboard> },
): void {
  app.get('/dashboard', { config: { access: 'read' }, schema: { hide: true, querystring: z.object({ lang: z.string().max(10).optional() }) } }, async (request, reply) => {
    const identity = identityOf(request);
    return reply.type('text/html; charset=utf-8').send(dashboardPage(await dashboard(identity), languageOf(request), { name: identity.name, role: identity.role }));
  });

  app.get(
    '/applications',
    { config: { access: 'read', invalid: 'The filters are invalid' }, schema: { hide: true, querystring: applicationFilters } },
    async (request, reply) => {
      const identity = identityOf(request);
      const lang = languageOf(request);
      const found = await search(identity, request.query);
      return reply.type('text/html; charset=utf-8').send(applicationsPage(found, request.query, lang, { name: identity.name, role: identity.role }));
    },
  );

  app.get(
    '/applications/:id',
    { config: { access: 'read' }, schema: { hide: true, params: z.object({ id: z.string().regex(/^[A-Za-z0-9._:-]{1,120}$/, 'is not an application id') }), querystring: z.object({ lang: z.string().max(10).optional() }) } },
    async (request, reply) => {
      const identity = identityOf(request);
      const { id } = request.params;
      await applications.authorize(identity, id);
      const view = await historyView(id, { withChain: roleMay(identity.role, 'audit') });
      // Reading an application's history is on its trail too, as through the API.
      await applications.recordHistoryRead(id, actorOf(identity, request.id));
      return reply.type('text/html; charset=utf-8').send(historyPage(view, languageOf(request)));
    },
  );
}
