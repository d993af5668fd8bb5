import type { Client } from '@temporalio/client';

/** Runs at most `limit` tasks at once, in the order they asked. */
export class Limiter {
  private running = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/** Nearest-rank percentile of `samples` (p in 0..100); NaN for none. */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** How long `task` took, in milliseconds, and what it returned. */
export async function timed<T>(task: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await task();
  return { ms: performance.now() - started, value };
}

/**
 * The number of history events of each workflow in `rootIds` and of every child it started, summed:
 * what Temporal stored (and a worker replays) for these applications.
 */
export async function historyEvents(client: Client, rootIds: string[], concurrency = 20): Promise<{ events: number; workflows: number }> {
  const limiter = new Limiter(concurrency);
  let events = 0;
  let workflows = 0;
  const count = async (workflowId: string): Promise<void> => {
    const history = await limiter.run(() => client.workflow.getHandle(workflowId).fetchHistory());
    const list = history.events ?? [];
    events += list.length;
    workflows += 1;
    const children = list.flatMap((e) => (e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId ? [e.childWorkflowExecutionStartedEventAttributes.workflowExecution.workflowId] : []));
    await Promise.all(children.map(count));
  };
  await Promise.all(rootIds.map(count));
  return { events, workflows };
}
