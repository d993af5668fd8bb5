import type { Readable } from 'node:stream';

/**
 * Where document contents live. Keys are k2flow's own (never a file name a person chose) and every
 * key is written once: a new version of a document is a new key (client/services/documents.ts).
 * Two implementations behind this one interface: a folder on disk (the default) and any store
 * that speaks the S3 API (MinIO, Ceph, a cloud bucket).
 */
export interface DocumentStore {
  /** What `readyz` and the README call it, e.g. "folder /var/lib/k2flow/documents" or "s3 http://minio:9000/k2flow". */
  readonly description: string;
  /** Stores `content` under `key`; writing the same bytes under the same key again is harmless. */
  put(key: string, content: Buffer, contentType: string): Promise<void>;
  /** The content stored under `key`, as a stream; throws DocumentMissing when there is none. */
  get(key: string): Promise<Readable>;
}

/** A document version's content is not in the store (deleted outside k2flow, or the wrong store configured). */
export class DocumentMissing extends Error {
  constructor(readonly key: string) {
    super(`The document store holds nothing under ${key}.`);
    this.name = 'DocumentMissing';
  }
}
