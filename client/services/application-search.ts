import { z } from 'zod';
import { languageChoice } from '../../i18n/messages';
import type { Identity } from '../../auth/identity';
import { seesEveryOffice } from '../../auth/roles';
import type { Db } from '../../db/prisma-client';
import { variants } from '../../domain/application-input';
import type { Prisma } from '../../generated/prisma/client';
import { atWarsaw } from '../../workflows/calendar/business-calendar';

const day = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });

/** The list's filters, as its page's form sends them; every one optional. */
export const applicationFilters = z.object({
  q: z.string().trim().max(200).optional(),
  variant: z.enum(variants).or(z.literal('')).optional(),
  status: z
    .string()
    .regex(/^[a-z-]{0,40}$/, 'is not a status')
    .optional(),
  waiting: z.enum(['', 'deadline', 'overdue']).optional(),
  from: day.or(z.literal('')).optional(),
  to: day.or(z.literal('')).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  size: z.coerce.number().int().min(5).max(100).default(25),
  lang: languageChoice,
});

export type ApplicationFilters = z.infer<typeof applicationFilters>;

/**
 * Applications a person may see (their office's; every office's for admins and auditors), found by
 * a search over titles, units, people, emails and ids, filtered and paged, with counts by status.
 * From the database: the list answers while Temporal or a worker is away.
 */
export function createApplicationSearch({ db, clock }: { db: Db; clock: () => Date }) {
  return async function search(identity: Identity, f: ApplicationFilters) {
    const now = clock();
    const where = whereOf(identity, f, now);
    const [total, byStatus, rows] = await Promise.all([
      db.application.count({ where }),
      db.application.groupBy({ by: ['status'], where, _count: { _all: true }, orderBy: { status: 'asc' } }),
      db.application.findMany({
        where,
        select: {
          id: true, title: true, variant: true, status: true, office: true, createdAt: true,
          requests: { where: { status: 'pending' }, select: { deadline: true }, orderBy: { deadline: 'asc' }, take: 1 },
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        skip: (f.page - 1) * f.size,
        take: f.size,
      }),
    ]);
    return {
      total,
      byStatus: byStatus.map((s) => ({ status: s.status, count: s._count._all })),
      pages: Math.max(1, Math.ceil(total / f.size)),
      rows: rows.map(({ requests, ...r }) => ({ ...r, nextDeadline: requests[0]?.deadline ?? null, overdue: !!requests[0] && requests[0].deadline < now })),
    };
  };
}

/** A YYYY-MM-DD date (plus `days`) as the calendar's date. */
function calendarDate(iso: string, days = 0) {
  const d = new Date(Date.parse(`${iso}T12:00:00Z`) + days * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function whereOf(identity: Identity, f: ApplicationFilters, now: Date): Prisma.ApplicationWhereInput {
  const and: Prisma.ApplicationWhereInput[] = [];
  // A coordinator without an office sees nothing (no office matches null here).
  if (!seesEveryOffice(identity.role)) and.push({ office: identity.office ?? '\u0000' });
  if (f.variant) and.push({ variant: f.variant });
  if (f.status) and.push({ status: f.status });
  // Days as the office counts them: from Warsaw midnight to Warsaw midnight.
  if (f.from) and.push({ createdAt: { gte: new Date(atWarsaw(calendarDate(f.from), 0)) } });
  if (f.to) and.push({ createdAt: { lt: new Date(atWarsaw(calendarDate(f.to, 1), 0)) } });
  if (f.waiting === 'deadline') and.push({ requests: { some: { status: 'pending' } } });
  if (f.waiting === 'overdue') and.push({ requests: { some: { status: 'pending', deadline: { lt: now } } } });
  if (f.q) {
    // Prisma passes `contains` to ILIKE as it is: `%` and `_` typed by a person are letters, not wildcards.
    const text = { contains: f.q.replace(/[\\%_]/g, '\\$&'), mode: 'insensitive' as const };
    and.push({
      OR: [
        { id: text },
        { title: text },
        { coordinatorName: text },
        { coordinatorEmail: text },
        { units: { some: { OR: [{ name: text }, { approverName: text }, { approverEmail: text }, { projectReference: text }] } } },
        { requests: { some: { OR: [{ partyName: text }, { partyEmail: text }] } } },
      ],
    });
  }
  return { AND: and };
}
