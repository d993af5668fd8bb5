import { afterEach, describe, expect, it, vi } from 'vitest';
import { ECHO_MS, onStopSignal } from '../../observability/stop-signals';

describe('onStopSignal', () => {
  let stopListening = () => {};
  afterEach(() => {
    stopListening();
    vi.restoreAllMocks();
  });

  it('stops on the first signal, ignores its echoes, and exits at once when someone insists', () => {
    let now = 1_000;
    const stops: string[] = [];
    const lines: string[] = [];
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const logger = { info: (line: string) => void lines.push(line), error: (line: string) => void lines.push(line) };
    stopListening = onStopSignal((signal) => stops.push(signal), { logger, deadlineMs: 60_000, clock: () => now });

    process.emit('SIGTERM');
    expect(stops).toEqual(['SIGTERM']);
    // The same stop passed on by npm and the bootstrap: no second stop, no exit.
    now += 15;
    process.emit('SIGTERM');
    process.emit('SIGINT');
    expect(stops).toEqual(['SIGTERM']);
    expect(exit).not.toHaveBeenCalled();
    expect(lines).toEqual(['SIGTERM again: already stopping', 'SIGINT again: already stopping']);

    // A person pressing Ctrl-C again, later: out now.
    now += ECHO_MS;
    process.emit('SIGINT');
    expect(exit).toHaveBeenCalledWith(130);
    expect(stops).toEqual(['SIGTERM']);
  });

  it('exits 1 when the stop outlasts its deadline', () => {
    vi.useFakeTimers();
    try {
      const lines: string[] = [];
      const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
      const logger = { info: (line: string) => void lines.push(line), error: (line: string) => void lines.push(line) };
      stopListening = onStopSignal(() => {}, { logger, deadlineMs: 30_000 });
      process.emit('SIGTERM');
      vi.advanceTimersByTime(29_999);
      expect(exit).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(exit).toHaveBeenCalledWith(1);
      expect(lines).toEqual(['still stopping 30 s after SIGTERM; exiting']);
    } finally {
      vi.useRealTimers();
    }
  });
});
