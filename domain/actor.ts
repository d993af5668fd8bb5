/**
 * The authenticated person behind a coordinator or admin action, as it travels from the HTTP
 * request through the workflow into the audit trail. Plain JSON: it is part of workflow inputs.
 */
export interface Actor {
  userId: string;
  name: string;
  email: string;
  /** How they proved who they are for this request. */
  via: 'password' | 'oidc' | 'api-key';
  /** The HTTP request that carried the action, to find it in the server's log. */
  requestId: string;
}
