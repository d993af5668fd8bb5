/**
 * The answer to a coordinator's action that the workflow accepted and has not finished within the
 * server's wait (HTTP 202): it runs to its end on its own, and the application's state shows when.
 */
export interface ActionInProgress {
  inProgress: true;
  message: string;
}

export const isInProgress = (answer: unknown): answer is ActionInProgress => (answer as ActionInProgress | null)?.inProgress === true;
