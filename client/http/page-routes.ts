import type { FastifyRequest } from 'fastify';
import { isLang } from '../../i18n/messages';
import type { Lang } from '../../mail/html';
import { applicationFilters, createApplicationSearch } from '../services/application-search';
import { identityOf } from './guard';
import { applicationsPage } from './pages/applications-page';
import { preferredLanguage } from './pages/outage-page';
import type { HttpApp } from './server';

/** A signed-in person's page language: the one chosen (?lang=), else the browser's, else Polish. */
const languageOf = (request: FastifyRequest): Lang => {
  const chosen = (request.query as { lang?: string } | undefined)?.lang;
  return isLang(chosen) ? chosen : (preferredLanguage(request.headers['accept-language']) ?? 'pl');
};

/** Pages for people who sign in (coordinators, admins, auditors), from the same services as the API. */
export function addPageRoutes(app: HttpApp, { search }: { search: ReturnType<typeof createApplicationSearch> }): void {
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
}
