import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * Every side effect of the workflows; activities are idempotent, so retries are safe. A worker
 * that dies mid-activity is noticed when the start-to-close timeout passes, and the activity is
 * retried elsewhere: each is a few database writes and at most one SMTP exchange, so 30 s is ample.
 */
export const activities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
