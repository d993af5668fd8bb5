import type { Db } from '../../db/prisma-client';
import { DomainError } from '../../domain/domain-error';

/**
 * The coordinator reviews the parties' work and acts on the application: they cannot also decide
 * for one of its parties. (Parties and deputies of the same step are refused by the workflow.)
 */
export async function refuseCoordinatorAsDeputy(db: Db, applicationId: string, email: string): Promise<void> {
  const application = await db.application.findUnique({ where: { id: applicationId }, select: { coordinatorEmail: true } });
  if (application && application.coordinatorEmail.toLowerCase() === email.toLowerCase()) {
    throw new DomainError('VALIDATION', "The application's coordinator cannot be a party's deputy; name someone else.", [{ path: 'email', message: 'is the coordinator' }]);
  }
}
