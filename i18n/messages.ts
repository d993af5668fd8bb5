import { z } from 'zod';
import type { Lang } from '../mail/html';
import { en } from './en';
import { pl } from './pl';

/** Every text a person reads on k2flow's pages, by key; Polish is the source of the keys. */
export type Messages = typeof pl;

const catalogues: Record<Lang, Messages> = { pl, en };

/** The catalogue of one language. */
export const messagesFor = (lang: Lang): Messages => catalogues[lang];

export const isLang = (value: unknown): value is Lang => value === 'pl' || value === 'en';

/** A page's `lang` field (address or form): `pl` or `en` switch the language; anything else, however long, is ignored, never refused. */
export const languageChoice = z.string().max(10).optional().catch(undefined);

/** The catalogue's groups that name a vocabulary's values (roles, statuses, variants, stages, steps, decisions). */
export type Vocabulary = 'role' | 'requestStatus' | 'unitStatus' | 'applicationStatus' | 'deliveryStatus' | 'variant' | 'stage' | 'step' | 'decision';

/** A value of a vocabulary in words; a value the catalogue does not know (a newer one) is shown as `fallback`. */
export const wordFor = (vocabulary: Vocabulary, value: string, lang: Lang, fallback = value): string =>
  (messagesFor(lang)[vocabulary] as Record<string, string>)[value] ?? fallback;

/** A role id in words (`unit-approver` → "dyrektor jednostki"). */
export const roleName = (role: string, lang: Lang): string => wordFor('role', role, lang);

/** A request status in words, as its party or another party of the step reads it. */
export const statusName = (status: string, lang: Lang): string => wordFor('requestStatus', status, lang);

/** A stage or step of a definition in words; an id the catalogue does not know (a newer definition) as `fallback`. */
export const stageName = (id: string, lang: Lang, fallback = id): string => wordFor('stage', id, lang, fallback);
export const stepName = (id: string, lang: Lang): string => wordFor('step', id, lang);

/**
 * A unit's status in words. An open step is stored as `awaiting:<step id>` (activities/lifecycle.ts)
 * and reads as the step it waits on.
 */
export const unitStatusName = (status: string, lang: Lang): string =>
  status.startsWith('awaiting:') ? messagesFor(lang).unitAwaiting(stepName(status.slice('awaiting:'.length), lang)) : wordFor('unitStatus', status, lang);
