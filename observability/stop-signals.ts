/**
 * A stop signal repeated within this time of the first is the same stop reaching the process again:
 * a signal to a process group reaches `npm`, the bootstrap and the stack at once, and the first two
 * pass theirs on. A person pressing Ctrl-C again takes longer than that.
 */
export const ECHO_MS = 2_000;

/**
 * Calls `stop` on the first SIGINT or SIGTERM, and keeps listening afterwards: a repeat with no
 * listener left would kill the process in the middle of its orderly stop (before the embedded
 * database is closed). A repeat within ECHO_MS is ignored; a later one is someone insisting, and
 * exits at once, as a second Ctrl-C does in most programs.
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void, log: (line: string) => void, clock: () => number = Date.now): () => void {
  let firstAt: number | null = null;
  const listen = (signal: 'SIGINT' | 'SIGTERM') => () => {
    if (firstAt === null) {
      firstAt = clock();
      return stop(signal);
    }
    if (clock() - firstAt < ECHO_MS) return log(`${signal} again: already stopping`);
    log(`${signal} again: stopping now, without waiting for the rest`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const listeners = { SIGINT: listen('SIGINT'), SIGTERM: listen('SIGTERM') };
  process.on('SIGINT', listeners.SIGINT).on('SIGTERM', listeners.SIGTERM);
  /** Stops listening (for tests). */
  return () => void process.off('SIGINT', listeners.SIGINT).off('SIGTERM', listeners.SIGTERM);
}
