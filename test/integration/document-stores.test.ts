import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMinio, type RunningMinio } from '../../dev/minio';
import { DocumentMissing, type DocumentStore } from '../../storage/document-store';
import { createLocalFolderStore } from '../../storage/local-folder-store';
import { createS3Store } from '../../storage/s3-store';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { pdfFile, sha256 } from '../support/documents';
import { startHarness, type Harness } from '../support/harness';

// The two document stores behind one interface: a folder, and a real S3-compatible server (MinIO,
// started here) reached through the AWS SDK, as production reaches MinIO, Ceph or a cloud bucket.

let minio: RunningMinio;
let folder: string;
const bucket = 'k2flow-documents';

beforeAll(async () => {
  const binary = inject('minioPath');
  if (!binary) throw new Error('MinIO is needed for these tests and could not be built (is Go installed?).');
  [minio, folder] = await Promise.all([startMinio(binary), mkdtemp(path.join(tmpdir(), 'k2flow-store-'))]);
  const admin = new S3Client({ endpoint: minio.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey } });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
});
afterAll(async () => {
  await minio?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

const s3 = (credentials = { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey }) =>
  createS3Store({ bucket, endpoint: minio.endpoint, region: 'us-east-1', forcePathStyle: true, credentials, prefix: 'k2flow/' });

describe.each([
  ['a folder', () => createLocalFolderStore(folder)],
  ['an S3 bucket on MinIO', () => s3()],
])('the document store in %s', (_where, make: () => DocumentStore) => {
  it('gives back exactly the bytes it was given, under the key it was given them', async () => {
    const store = make();
    const content = Buffer.concat([pdfFile(), Buffer.alloc(3 * 1024 * 1024, 7)]);
    const key = `applications/app-x/documents/${sha256(content)}`;
    await store.put(key, content, 'application/pdf');
    // Writing the same bytes under the same key again (a retried upload) is harmless.
    await store.put(key, content, 'application/pdf');
    expect(sha256(await buffer(await store.get(key)))).toBe(sha256(content));
  });

  it('says a key holds nothing, as its own error', async () => {
    await expect(make().get('applications/app-x/documents/missing')).rejects.toBeInstanceOf(DocumentMissing);
  });
});

it('a folder store never writes outside its folder', async () => {
  await expect(createLocalFolderStore(folder).put('../escape', Buffer.from('x'), 'text/plain')).rejects.toThrow(/leaves the document folder/);
});

it('an S3 store with the wrong credentials is refused by the server (the store checks them, as production ones do)', async () => {
  await expect(s3({ accessKeyId: 'someone', secretAccessKey: 'not-the-secret' }).put('k', Buffer.from('x'), 'text/plain')).rejects.toThrow();
});

describe('documents kept in S3, end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ documentStore: s3() });
  });
  afterAll(() => h?.stop());

  it('are attached, downloaded through an approver’s link and decided on', async () => {
    const api = apiOf(h);
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    const content = pdfFile();
    const attached = await api.attach(id, { name: 'umowa.pdf', content });
    expect(attached.status, JSON.stringify(attached.body)).toBe(201);
    const link = await api.linkFor(input.units[0]!.approver.email);
    const fetched = await fetch(`${link}/documents/${attached.body.version.versionId}`);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(content)).toBe(true);
    expect((await api.decideOnPage(link, 'approve')).status).toBe(200);
    const request = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, step: 'unit-confirmation' } });
    expect(request.documents).toEqual([expect.objectContaining({ versionId: attached.body.version.versionId, sha256: sha256(content) })]);
  });
});
