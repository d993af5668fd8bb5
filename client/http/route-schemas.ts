import { z } from 'zod';
import { languageChoice } from '../../i18n/messages';

// The parts of an address that several routes share, checked alike everywhere and named alike on
// a refusal page (i18n addressField).

export const applicationId = z.string().regex(/^[A-Za-z0-9._:-]{1,120}$/, 'is not an application id');
export const onApplication = z.object({ id: applicationId });

/** A form's field left blank is absent (a browser sends every field, filled or not). */
export const blankIsAbsent = (v: unknown) => (v === '' ? undefined : v);

export const unitKey = z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'is not a unit key');
/** A form's unit field, left blank for the application's own steps. */
export const optionalUnitKey = z.preprocess(blankIsAbsent, unitKey.optional());

export const draftId = z.string().regex(/^draft-[0-9a-f-]{36}$/, 'is not a draft id');
export const onDraft = z.object({ id: draftId });

/** `?lang=pl|en` switches a page's language (i18n/messages.ts, languageChoice). */
export const withLanguage = z.object({ lang: languageChoice });
