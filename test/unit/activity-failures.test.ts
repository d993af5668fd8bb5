import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classifyActivityError } from '../../activities/failures';

const prismaError = (code: string) => Object.assign(new Error(`prisma says ${code}`), { code });

describe('activity failure classification', () => {
  it('makes missing rows, broken references and invalid input non-retryable, with a type', () => {
    expect(classifyActivityError(prismaError('P2025'))).toMatchObject({ type: 'RecordNotFound', nonRetryable: true });
    expect(classifyActivityError(prismaError('P2003'))).toMatchObject({ type: 'ForeignKeyViolation', nonRetryable: true });
    const invalid = z.object({ partyName: z.string() }).safeParse({}).error;
    expect(classifyActivityError(invalid)).toMatchObject({ type: 'InvalidInput', nonRetryable: true, message: expect.stringContaining('partyName') });
  });

  it('leaves connection losses, timeouts, deadlocks and unknown errors retryable', () => {
    for (const error of [prismaError('P1001'), prismaError('P1017'), prismaError('P2024'), prismaError('P2034'), prismaError('40P01'), Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), new Error('SMTP 421')]) {
      expect(classifyActivityError(error)).toBe(error);
    }
    const typed = ApplicationFailure.nonRetryable('already typed', 'Mine');
    expect(classifyActivityError(typed)).toBe(typed);
  });
});
