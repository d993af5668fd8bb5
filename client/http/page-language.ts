import type { FastifyRequest } from 'fastify';
import { isLang } from '../../i18n/messages';
import type { Lang } from '../../mail/html';
import { preferredLanguage } from './pages/outage-page';

/**
 * A page's language: the one the reader chose (`?lang=pl|en`), else `own` (an approver's, once
 * their link proved theirs), else the one their browser prefers, else Polish.
 */
export function pageLanguage(request: FastifyRequest, own: Lang | null = null): Lang {
  const chosen = (request.query as { lang?: string } | undefined)?.lang;
  return isLang(chosen) ? chosen : (own ?? preferredLanguage(request.headers['accept-language']) ?? 'pl');
}
