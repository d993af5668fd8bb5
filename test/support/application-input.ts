import { randomUUID } from 'node:crypto';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export interface InputOptions {
  units?: number;
  /** Seconds from now until the unit confirmation deadline (default: 30 days). */
  confirmWithinSeconds?: number;
  reviewWithinSeconds?: number;
}

/**
 * A valid variant-1 input whose email addresses are unique to this call, so tests sharing a
 * mailbox never read each other's mail.
 */
export function makeInput({ units = 2, confirmWithinSeconds, reviewWithinSeconds }: InputOptions = {}) {
  const tag = randomUUID().slice(0, 8);
  const at = (seconds: number | undefined, days: number) =>
    seconds === undefined ? inDays(days) : new Date(Date.now() + seconds * 1000).toISOString();
  return {
    variant: 'module-in-existing-projects' as const,
    title: `K2 module test ${tag}`,
    coordinator: { name: 'Coordinator', email: `coordinator-${tag}@zit.example.pl` },
    deadlines: { unitConfirmation: at(confirmWithinSeconds, 30), coordinatorReview: at(reviewWithinSeconds ?? confirmWithinSeconds, 40) },
    units: Array.from({ length: units }, (_, i) => ({
      key: `unit-${i + 1}`,
      name: `Vocational School ${i + 1}`,
      projectReference: `RPSL.11.02.01-24-${String(i + 1).padStart(4, '0')}/16`,
      approver: { name: `Director ${i + 1}`, email: `director-${i + 1}-${tag}@school.example.pl` },
    })),
  };
}

export type TestInput = ReturnType<typeof makeInput>;
