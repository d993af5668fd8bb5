import type { FastifyError, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { DomainError } from '../../domain/domain-error';
import { labelledProblems } from '../../i18n/field-problems';
import { messagesFor, type Messages } from '../../i18n/messages';
import type { Lang } from '../../mail/html';

// A refused request said to a person in the page's language. The API keeps its English sentences
// (errors.ts); a page says why in its own words, names each refused field by the label its form
// shows, and offers a way back.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The labels of the route's query and form fields in the page's language, for its refusals (over i18n addressField's). */
    fields?: (t: Messages) => Record<string, string>;
  }
}

export interface Refusal {
  title: string;
  lead: string;
  /** One line per refused field, under its label. */
  problems: string[];
  /** k2flow's own (English) sentence, where it says more than the lead (an id, a state). */
  detail: string | null;
}

/** What a failure means to the reader of a page; `explained` is errors.ts's reading of `error` (null for a fault of ours). */
export function refusalOf(request: FastifyRequest, error: unknown, explained: DomainError | null, lang: Lang): Refusal {
  const t = messagesFor(lang).errorPage;
  if (!explained) return { title: t.wrongTitle, lead: t.wrong(request.id), problems: [], detail: null };
  const titles: Partial<Record<DomainError['code'], string>> = { UNAVAILABLE: t.unavailableTitle, RATE_LIMITED: t.tooManyTitle, UNAUTHENTICATED: t.signInTitle, NOT_FOUND: t.notFoundTitle };
  const title = titles[explained.code] ?? t.refusedTitle;
  const code = (error as Partial<FastifyError> | null)?.code ?? '';
  if (code.startsWith('FST_CSRF_')) return { title, lead: t.formExpired, problems: [], detail: null };
  if (hasZodFastifySchemaValidationErrors(error)) {
    // The validator's issues, as zod made them (fastify-type-provider-zod keeps the rest of each in `params`).
    const issues = error.validation.map((v) => ({ ...v.params, code: v.keyword, path: v.instancePath.split('/').filter(Boolean), message: v.message }) as unknown as z.core.$ZodIssue);
    const labels = { ...messagesFor(lang).addressField, ...request.routeOptions.config?.fields?.(messagesFor(lang)) };
    return { title, lead: t.invalidFields, problems: labelledProblems(issues, lang, labels), detail: null };
  }
  return { title, lead: t.because[explained.code], problems: [], detail: explained.message };
}

/**
 * Where a person goes on from a refusal: the page the refused form was on (the nearest page at or
 * above the form's address), or else the list of applications, in the same language.
 */
export function wayBack(request: FastifyRequest, lang: Lang): { href: string; label: string } {
  const t = messagesFor(lang).errorPage;
  const pattern = request.routeOptions.url;
  if (pattern && request.method !== 'GET' && request.method !== 'HEAD') {
    const patternParts = pattern.split('/');
    const [path = '', query] = request.url.split('?', 2);
    const pathParts = path.split('/');
    for (let n = patternParts.length; n > 1 && pathParts.length === patternParts.length; n--) {
      if (!request.server.hasRoute({ method: 'GET', url: patternParts.slice(0, n).join('/') })) continue;
      // The form's own page keeps what its address said (a variant, the language); a page above it, the language.
      const search = n === patternParts.length && query ? `?${query}` : `?lang=${lang}`;
      return { href: `${pathParts.slice(0, n).join('/')}${search}`, label: t.backToPage };
    }
  }
  return { href: `/applications?lang=${lang}`, label: t.toList };
}
