/**
 * Calls `stop` on the first SIGINT or SIGTERM, and keeps listening afterwards: a stop signal often
 * arrives more than once (a signal to the process group reaches `npm`, the bootstrap and this
 * process, and the first two pass theirs on), and a repeat with no listener left would kill the
 * process in the middle of its orderly stop, before the embedded database is closed.
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void, onRepeat: (signal: NodeJS.Signals) => void = () => {}): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return onRepeat(signal);
      stopping = true;
      stop(signal);
    });
  }
}
