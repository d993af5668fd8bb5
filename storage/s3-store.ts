import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DocumentMissing, type DocumentStore } from './document-store';

export interface S3StoreSettings {
  bucket: string;
  /** An S3-compatible server's address (MinIO, Ceph); unset for AWS itself. */
  endpoint?: string;
  region: string;
  /** Bucket in the path, not the host name: what MinIO and most self-hosted stores need. */
  forcePathStyle: boolean;
  /** Unset: the SDK's own chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Prepended to every key, so one bucket can serve several installations. */
  prefix?: string;
}

/** Documents in an S3 bucket, through the AWS SDK: any store that speaks the S3 API. */
export function createS3Store(settings: S3StoreSettings): DocumentStore {
  const client = new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    // Checksums only where the API requires them: many S3-compatible stores do not take the SDK's
    // newer default (CRC32 trailers); the content's SHA-256 is sent and checked below instead.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const keyOf = (key: string) => `${settings.prefix ?? ''}${key}`;
  return {
    description: `s3 ${settings.endpoint ?? `aws:${settings.region}`}/${settings.bucket}`,
    async put(key, content, contentType) {
      await client.send(
        new PutObjectCommand({
          Bucket: settings.bucket,
          Key: keyOf(key),
          Body: content,
          ContentType: contentType,
          ContentLength: content.length,
          // The store refuses a body that arrived other than it was sent.
          ContentMD5: createHash('md5').update(content).digest('base64'),
        }),
      );
    },
    async get(key) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: keyOf(key) }));
        return answer.Body as Readable;
      } catch (error) {
        if (error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) throw new DocumentMissing(key);
        throw error;
      }
    },
  };
}
