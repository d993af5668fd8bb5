import { describe, expect, it } from 'vitest';
import { betterAuthLogger } from '../../auth/create-auth';
import { createLogger } from '../../observability/logger';

const collected = () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ name: 'k2flow-test', format: 'json', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { lines, log: betterAuthLogger(logger).log };
};

describe("better-auth's logger", () => {
  it('writes its errors as lines of the process log, with the error when it passes one as the message', () => {
    const { lines, log } = collected();
    log('error', new Error('session lookup broke'));
    log('error', 'Provider not found', { provider: 'office' });
    expect(lines.map(({ component, msg, err, details }) => ({ component, msg, err: (err as { message?: string } | undefined)?.message, details }))).toEqual([
      { component: 'better-auth', msg: 'session lookup broke', err: 'session lookup broke', details: undefined },
      { component: 'better-auth', msg: 'Provider not found', err: undefined, details: [{ provider: 'office' }] },
    ]);
  });

  it('writes nothing for a refused key or password', () => {
    const { lines, log } = collected();
    log('error', 'Failed to validate API key');
    log('error', 'Invalid password');
    expect(lines).toEqual([]);
  });
});
