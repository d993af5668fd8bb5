/**
 * One document version as a decision names it: what the party had in front of them. Plain JSON:
 * it travels in the `decide` update, the workflow's history and the audit trail.
 */
export interface DocumentRef {
  documentId: string;
  versionId: string;
  version: number;
  name: string;
  /** Hex SHA-256 of the content. */
  sha256: string;
}
