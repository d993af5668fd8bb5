import { z } from 'zod';
import { person } from './application-input';
import { fromWarsaw } from '../workflows/calendar/warsaw-time';

/**
 * A deputy as a party names them on their page or a coordinator through the API: a name, an
 * address, their language, and optionally the day their deputyship ends (a date ends at the
 * end of that day in Warsaw, or an exact ISO 8601 moment).
 */
export const deputyInput = z.object({
  name: person.shape.name,
  email: person.shape.email,
  language: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['pl', 'en']).optional()).transform((v) => v ?? 'pl'),
  until: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .union([z.iso.date(), z.iso.datetime({ offset: true })], { message: 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time with a time zone' })
      .optional(),
  ),
});
export type DeputyInput = z.infer<typeof deputyInput>;

/** A replacement: the address of the person replaced, and the person who takes their place. */
export const replacementInput = z
  .object({ email: person.shape.email, person })
  .refine((r) => r.email.toLowerCase() !== r.person.email.toLowerCase(), { path: ['person', 'email'], message: 'must differ from the address replaced' });

/** The end of a deputyship as a moment: a date's end (23:59 in Warsaw), or the moment given. */
export function deputyUntil(until: string | undefined): string | null {
  if (!until) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(until)) {
    const [year, month, day] = until.split('-').map(Number) as [number, number, number];
    return new Date(fromWarsaw({ year, month, day, hour: 23, minute: 59 })).toISOString();
  }
  return new Date(until).toISOString();
}
