import type { Lang } from '../mail/html';
import { en } from './en';
import { pl } from './pl';

/** Every text a person reads on k2flow's pages, by key; Polish is the source of the keys. */
export type Messages = typeof pl;

const catalogues: Record<Lang, Messages> = { pl, en };

/** The catalogue of one language. */
export const messagesFor = (lang: Lang): Messages => catalogues[lang];

export const isLang = (value: unknown): value is Lang => value === 'pl' || value === 'en';

/** A role id in words (`unit-approver` → "dyrektor jednostki"); an id the catalogue does not know is shown as it is. */
export const roleName = (role: string, lang: Lang): string => (messagesFor(lang).role as Record<string, string>)[role] ?? role;

/** A request status in words, as its party or another party of the step reads it. */
export const statusName = (status: string, lang: Lang): string => (messagesFor(lang).requestStatus as Record<string, string>)[status] ?? status;
