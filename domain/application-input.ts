import { z } from 'zod';
import { DomainError } from './domain-error';

const person = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  email: z.email('must be an email address').max(254),
});

const futureDateTime = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-12-15T16:00:00+01:00' })
  .refine((s) => Date.parse(s) > Date.now(), 'must be in the future');

const unitKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 lower-case letters, digits or dashes, starting with a letter or digit');

/** Variant 1: each unit adds the K2 module to a project it already prepared under 11.2.1 RPO WSL. */
export const moduleInExistingProjectsInput = z
  .object({
    variant: z.literal('module-in-existing-projects'),
    title: z.string().trim().min(3, 'must be at least 3 characters').max(300),
    coordinator: person,
    deadlines: z.object({
      /** By when each unit's approver confirms the module. */
      unitConfirmation: futureDateTime,
      /** By when the coordinator reviews each confirmed module. */
      coordinatorReview: futureDateTime,
    }),
    units: z
      .array(
        z.object({
          key: unitKey,
          name: z.string().trim().min(1, 'is required').max(300),
          projectReference: z.string().trim().min(1, 'is required').max(100),
          approver: person,
        }),
      )
      .min(1, 'must name at least one unit')
      .max(100),
  })
  .strict()
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.units.forEach((u, i) => {
      if (seen.has(u.key)) ctx.addIssue({ code: 'custom', path: ['units', i, 'key'], message: `duplicates unit key "${u.key}"` });
      seen.add(u.key);
    });
    if (Date.parse(input.deadlines.coordinatorReview) < Date.parse(input.deadlines.unitConfirmation)) {
      ctx.addIssue({ code: 'custom', path: ['deadlines', 'coordinatorReview'], message: 'must not be before deadlines.unitConfirmation' });
    }
  });

export const applicationInput = z.discriminatedUnion('variant', [moduleInExistingProjectsInput], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'must be one of: module-in-existing-projects' : undefined,
});

export type ApplicationInput = z.infer<typeof applicationInput>;
export type ModuleInExistingProjectsInput = z.infer<typeof moduleInExistingProjectsInput>;
export type Person = z.infer<typeof person>;

/** Parses untrusted input, or throws a VALIDATION DomainError naming every wrong field. */
export function parseApplicationInput(raw: unknown): ApplicationInput {
  return parseOrThrow(applicationInput, raw, 'The application input is invalid');
}

export function parseOrThrow<T>(schema: z.ZodType<T>, raw: unknown, summary: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.join('.') : '(root)',
    message: issue.message,
  }));
  throw new DomainError('VALIDATION', `${summary}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
}
