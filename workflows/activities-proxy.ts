import { proxyActivities } from '@temporalio/workflow';
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
 * The activities a workflow calls. Every one is a few database writes (emails go to the outbox,
 * which the worker's relay sends: mail/outbox-relay.ts). They stay ordinary activities on the lean
 * engine too: a local activity's effects land before its workflow task completes, and an update
 * accepted in a task that then fails is dropped by the server, so a decision, a withdrawal or the
 * next step's invitations could be written for an update the workflow never saw. An ordinary
 * activity runs only once the task that scheduled it (and accepted the update) is durable.
 */
export const engineActivities: Activities = new Proxy(activities, {
  get: (remote, name: keyof Activities) => (name === 'recordDecision' ? decisionActivities.recordDecision : remote[name]),
});
