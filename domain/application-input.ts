import { z } from 'zod';
import { parseOrThrow } from './domain-error';

export const person = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  email: z.email('must be an email address').max(254),
  /** The language of the emails this person receives: Polish unless "en" is chosen. */
  language: z.enum(['pl', 'en']).optional(),
});

const futureDateTime = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-12-15T16:00:00+01:00' })
  .refine((s) => Date.parse(s) > Date.now(), { message: 'must be in the future', params: { reason: 'future' } });

const unitKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 lower-case letters, digits or dashes, starting with a letter or digit');

export const unitInput = z
  .object({
    key: unitKey,
    name: z.string().trim().min(1, 'is required').max(300),
    /** The unit's existing project (variant 1 requires it). */
    projectReference: z.string().trim().min(1, 'is required').max(100).optional(),
    approver: person,
  })
  .strict();

const reminderPolicy = z
  .object({
    workingDaysBefore: z.array(z.number().int().min(1).max(30)).max(10),
    onDeadlineMorning: z.boolean(),
  })
  .strict();

const common = {
  title: z.string().trim().min(3, 'must be at least 3 characters').max(300),
  /** Overrides when pending parties are reminded (default: 5, 2 and 1 working days before, and the deadline's morning). */
  reminders: reminderPolicy.optional(),
  coordinator: person,
  units: z.array(unitInput).min(1, 'must name at least one unit').max(100),
};

/** Deadlines must follow one another in the order the variant's steps run. */
const orderedDeadlines = (keys: string[]) => (input: { deadlines: Record<string, string> }, ctx: z.RefinementCtx) => {
  keys.slice(1).forEach((key, i) => {
    if (Date.parse(input.deadlines[key]!) < Date.parse(input.deadlines[keys[i]!]!)) {
      ctx.addIssue({ code: 'custom', path: ['deadlines', key], message: `must not be before deadlines.${keys[i]}`, params: { reason: 'deadlineOrder', value: keys[i] } });
    }
  });
};

const uniqueUnitKeys = (input: { units: Array<{ key: string }> }, ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  input.units.forEach((u, i) => {
    if (seen.has(u.key)) ctx.addIssue({ code: 'custom', path: ['units', i, 'key'], message: `duplicates unit key "${u.key}"`, params: { reason: 'duplicateUnitKey', value: u.key } });
    seen.add(u.key);
  });
};

/** Variant 1: each unit adds the K2 module to a project it already prepared under 11.2.1 RPO WSL. */
export const moduleInExistingProjectsInput = z
  .object({
    variant: z.literal('module-in-existing-projects'),
    ...common,
    units: z.array(unitInput.extend({ projectReference: z.string().trim().min(1, 'is required').max(100) })).min(1, 'must name at least one unit').max(100),
    deadlines: z.object({ unitConfirmation: futureDateTime, coordinatorReview: futureDateTime }).strict(),
  })
  .strict()
  .superRefine(uniqueUnitKeys)
  .superRefine(orderedDeadlines(['unitConfirmation', 'coordinatorReview']));

const service = z.object({
  code: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a short code of lower-case letters, digits or dashes'),
  name: z.string().trim().min(1, 'is required').max(300),
});

/** Variant 2: a dedicated ZIT allocation; an external promoter runs the project for the units. */
export const dedicatedZitAllocationInput = z
  .object({
    variant: z.literal('dedicated-zit-allocation'),
    ...common,
    board: z.object({ members: z.array(person).min(1, 'must name at least one board member').max(50) }).strict(),
    promoter: person,
    serviceCatalogue: z.array(service).min(1, 'must offer at least one service').max(100),
    deadlines: z
      .object({ boardApproval: futureDateTime, declarations: futureDateTime, promoterSignature: futureDateTime, finalApproval: futureDateTime })
      .strict(),
  })
  .strict()
  .superRefine(uniqueUnitKeys)
  .superRefine(orderedDeadlines(['boardApproval', 'declarations', 'promoterSignature', 'finalApproval']))
  .superRefine((input, ctx) => {
    const codes = input.serviceCatalogue.map((s) => s.code);
    codes.forEach((code, i) => {
      if (codes.indexOf(code) !== i) ctx.addIssue({ code: 'custom', path: ['serviceCatalogue', i, 'code'], message: `duplicates service code "${code}"`, params: { reason: 'duplicateServiceCode', value: code } });
    });
  });

/** Variant 3: selected units each conclude a cooperation agreement with KSSE and Landster. */
export const individualCooperationInput = z
  .object({
    variant: z.literal('individual-cooperation'),
    ...common,
    partners: z.object({ ksse: person, landster: person }).strict(),
    deadlines: z.object({ agreements: futureDateTime }).strict(),
  })
  .strict()
  .superRefine(uniqueUnitKeys);

export const variants = ['module-in-existing-projects', 'dedicated-zit-allocation', 'individual-cooperation'] as const;
export type Variant = (typeof variants)[number];

export const applicationInput = z.discriminatedUnion(
  'variant',
  [moduleInExistingProjectsInput, dedicatedZitAllocationInput, individualCooperationInput],
  { error: (issue) => (issue.code === 'invalid_union' ? `must be one of: ${variants.join(', ')}` : undefined) },
);

export type ApplicationInput = z.infer<typeof applicationInput>;
export type UnitInput = z.infer<typeof unitInput>;
export type Person = z.infer<typeof person>;

/** Parses untrusted input, or throws a VALIDATION DomainError naming every wrong field. */
export function parseApplicationInput(raw: unknown): ApplicationInput {
  return parseOrThrow(applicationInput, raw, 'The application input is invalid');
}
