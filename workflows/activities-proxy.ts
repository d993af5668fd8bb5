import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** Every side effect of the workflows; activities are idempotent, so retries are safe. */
export const activities = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
