import type { Identity } from '../../auth/identity';
import { seesEveryOffice } from '../../auth/roles';
import type { Db } from '../../db/prisma-client';

const DUE_SOON_MS = 7 * 86_400_000;

/**
 * A coordinator's running applications, each with whom it waits for and by when, the missed and
 * nearest deadlines first (an admin's or auditor's: every office's). From the database, so it
 * answers while Temporal or a worker is away.
 */
export function createDashboard({ db, clock }: { db: Db; clock: () => Date }) {
  return async function dashboard(identity: Identity) {
    const now = clock();
    const rows = await db.application.findMany({
      where: { status: 'collecting-sign-offs', ...(seesEveryOffice(identity.role) ? {} : { office: identity.office ?? '\u0000' }) },
      select: {
        id: true, title: true, variant: true, office: true, createdAt: true,
        units: { select: { unitKey: true, name: true } },
        requests: { where: { status: 'pending' }, select: { partyName: true, partyRole: true, step: true, unitKey: true, round: true, deadline: true }, orderBy: { deadline: 'asc' } },
      },
      orderBy: { createdAt: 'desc' },
      take: 500,
    });
    const applications = rows
      .map(({ units, requests, ...a }) => ({
        ...a,
        nextDeadline: requests[0]?.deadline ?? null,
        waitingFor: requests.map((r) => ({ ...r, unitName: units.find((u) => u.unitKey === r.unitKey)?.name ?? null, overdue: r.deadline < now })),
      }))
      // Missed deadlines first, then the nearest; those waiting on nobody last.
      .sort((a, b) => (a.nextDeadline?.getTime() ?? Infinity) - (b.nextDeadline?.getTime() ?? Infinity));
    const at = now.getTime();
    return {
      now,
      applications,
      overdue: applications.filter((a) => a.nextDeadline && a.nextDeadline.getTime() < at).length,
      dueSoon: applications.filter((a) => a.nextDeadline && a.nextDeadline.getTime() >= at && a.nextDeadline.getTime() < at + DUE_SOON_MS).length,
    };
  };
}

export type Dashboard = Awaited<ReturnType<ReturnType<typeof createDashboard>>>;
