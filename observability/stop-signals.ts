import type { Logger } from './logger';

/**
 * A stop signal repeated within this time of the first is the same stop reaching the process again:
 * a signal to a process group reaches `npm`, the bootstrap and the stack at once, and the first two
 * pass theirs on. A person pressing Ctrl-C again takes longer than that.
 */
export const ECHO_MS = 2_000;

export interface StopSignalOptions {
  logger: Pick<Logger, 'info' | 'error'>;
  /** How long the stop may take after the first signal; then the process exits 1. */
  deadlineMs: number;
  clock?: () => number;
}

/**
 * A process's orderly stop: calls `stop` on the first SIGINT or SIGTERM and exits 1 should the stop
 * outlast `deadlineMs`. It keeps listening afterwards, since a repeat with no listener left would
 * kill the process in the middle of its stop (before the embedded database is closed): a repeat
 * within ECHO_MS is ignored; a later one is someone insisting, and exits at once, as a second
 * Ctrl-C does in most programs. Returns what stops listening (for tests).
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void, { logger, deadlineMs, clock = Date.now }: StopSignalOptions): () => void {
  let firstAt: number | null = null;
  let deadline: NodeJS.Timeout | undefined;
  const listen = (signal: 'SIGINT' | 'SIGTERM') => () => {
    if (firstAt === null) {
      firstAt = clock();
      deadline = setTimeout(() => {
        logger.error(`still stopping ${deadlineMs / 1000} s after ${signal}; exiting`);
        process.exit(1);
      }, deadlineMs).unref();
      return stop(signal);
    }
    if (clock() - firstAt < ECHO_MS) return logger.info(`${signal} again: already stopping`);
    logger.info(`${signal} again: stopping now, without waiting for the rest`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const listeners = { SIGINT: listen('SIGINT'), SIGTERM: listen('SIGTERM') };
  process.on('SIGINT', listeners.SIGINT).on('SIGTERM', listeners.SIGTERM);
  return () => {
    clearTimeout(deadline);
    process.off('SIGINT', listeners.SIGINT).off('SIGTERM', listeners.SIGTERM);
  };
}
