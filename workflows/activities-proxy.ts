import { isCancellation, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

/**
 * Every side effect of the workflows; activities are idempotent, so retries are safe. A worker
 * that dies mid-activity is noticed when the start-to-close timeout passes, and the activity is
 * retried elsewhere: each is a few database writes, so 30 s is ample.
 */
export const activities = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry });

/**
 * Recording a decision is a few database writes while the approver waits for the page: a worker
 * that dies in the middle is noticed after 10 s rather than 30, and the retry runs elsewhere.
 */
export const decisionActivities = proxyActivities<Pick<Activities, 'recordDecision'>>({ startToCloseTimeout: '10 seconds', retry });

/**
 * Every activity only writes to the database (emails go to the outbox, which the worker's relay
 * sends: mail/outbox-relay.ts), in milliseconds. The lean engine therefore runs them as local
 * activities: in the worker that runs the workflow task, inside that task, leaving one marker in
 * the history instead of an activity's three events and the workflow task that follows them. An
 * approver's decision is recorded within the update's own workflow task. A worker that dies
 * mid-activity lets the task time out and the next worker runs it again; every one is idempotent.
 *
 * A local activity holds its workflow task open, and with it the acceptance of an update that
 * waits on it: one not done within LOCAL_RECORD_MS (a locked row, a database that is away) goes
 * on as an ordinary activity, retried durably, while the update is accepted and the approver told
 * their decision is being recorded.
 *
 * closeWithoutLocalActivities: a local activity's effects precede the completion of its workflow
 * task, and an update accepted in a task that then fails is dropped by the server, effects and
 * all. A task fails when it completes the workflow while new events have arrived (a child ended,
 * say): so a workflow's last record before it completes is always an ordinary activity (`activities`
 * below), and the completion comes in a task of its own, one that runs no local activity.
 */
const LOCAL_RECORD_MS = 2_000;
const localRecords = proxyLocalActivities<Activities>({ scheduleToCloseTimeout: LOCAL_RECORD_MS, retry: { maximumAttempts: 1 } });

type Call = (...args: unknown[]) => Promise<unknown>;
const promptlyOrDurably =
  (name: keyof Activities): Call =>
  async (...args) => {
    try {
      return await (localRecords[name] as Call)(...args);
    } catch (error) {
      if (isCancellation(error)) throw error;
      return (activities[name] as Call)(...args);
    }
  };

/** The activities a workflow calls: as they always were, or, in the lean engine, locally first. */
export function engineActivities(lean: boolean): Activities {
  return new Proxy(activities, {
    get(remote, name: keyof Activities) {
      if (lean) return promptlyOrDurably(name);
      return name === 'recordDecision' ? decisionActivities.recordDecision : remote[name];
    },
  });
}
