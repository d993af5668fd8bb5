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
