import { randomUUID } from 'node:crypto';

const at = (seconds: number | undefined, days: number) => new Date(Date.now() + (seconds ?? days * 86_400) * 1000).toISOString();
const tagged = () => randomUUID().slice(0, 8);

function unitsFor(tag: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    key: `unit-${i + 1}`,
    name: `Vocational School ${i + 1}`,
    projectReference: `RPSL.11.02.01-24-${String(i + 1).padStart(4, '0')}/16`,
    approver: { name: `Director ${i + 1}`, email: `director-${i + 1}-${tag}@school.example.pl`, language: 'en' as const },
  }));
}

export interface InputOptions {
  units?: number;
  /** Seconds from now until the first deadline (default: 30 days). */
  confirmWithinSeconds?: number;
  reviewWithinSeconds?: number;
}

/**
 * Valid inputs whose email addresses are unique to each call, so tests sharing a mailbox never
 * read each other's mail. Everyone reads English here (the default, Polish, is tested on its own).
 * Variant 1:
 */
export function makeInput({ units = 2, confirmWithinSeconds, reviewWithinSeconds }: InputOptions = {}) {
  const tag = tagged();
  return {
    variant: 'module-in-existing-projects' as const,
    title: `K2 module test ${tag}`,
    coordinator: { name: 'Coordinator', email: `coordinator-${tag}@zit.example.pl`, language: 'en' as const },
    deadlines: { unitConfirmation: at(confirmWithinSeconds, 30), coordinatorReview: at(reviewWithinSeconds ?? confirmWithinSeconds, 40) },
    units: unitsFor(tag, units),
  };
}

/** Variant 2, with `boardMembers` members and a three-service catalogue. */
export function makeAllocationInput({ units = 2, boardMembers = 3, boardWithinSeconds }: { units?: number; boardMembers?: number; boardWithinSeconds?: number } = {}) {
  const tag = tagged();
  return {
    variant: 'dedicated-zit-allocation' as const,
    title: `K2 allocation test ${tag}`,
    coordinator: { name: 'Coordinator', email: `coordinator-${tag}@zit.example.pl`, language: 'en' as const },
    board: { members: Array.from({ length: boardMembers }, (_, i) => ({ name: `Board Member ${i + 1}`, email: `board-${i + 1}-${tag}@zit.example.pl`, language: 'en' as const })) },
    promoter: { name: 'KSSE', email: `promoter-${tag}@ksse.example.pl`, language: 'en' as const },
    serviceCatalogue: [
      { code: 'internships', name: 'Internships with employers' },
      { code: 'teacher-training', name: 'Teacher training' },
      { code: 'equipment', name: 'Workshop equipment' },
    ],
    deadlines: { boardApproval: at(boardWithinSeconds, 10), declarations: at(undefined, 20), promoterSignature: at(undefined, 30), finalApproval: at(undefined, 40) },
    units: unitsFor(tag, units).map(({ projectReference: _, ...u }) => u),
  };
}

/** Variant 3: agreements with KSSE and Landster. */
export function makeCooperationInput({ units = 2, agreementsWithinSeconds }: { units?: number; agreementsWithinSeconds?: number } = {}) {
  const tag = tagged();
  return {
    variant: 'individual-cooperation' as const,
    title: `K2 cooperation test ${tag}`,
    coordinator: { name: 'Coordinator', email: `coordinator-${tag}@zit.example.pl`, language: 'en' as const },
    partners: { ksse: { name: 'KSSE', email: `ksse-${tag}@ksse.example.pl`, language: 'en' as const }, landster: { name: 'Landster', email: `landster-${tag}@landster.example.pl`, language: 'en' as const } },
    deadlines: { agreements: at(agreementsWithinSeconds, 30) },
    units: unitsFor(tag, units).map(({ projectReference: _, ...u }) => u),
  };
}

export type TestInput = ReturnType<typeof makeInput>;
