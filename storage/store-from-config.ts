import path from 'node:path';
import type { DocumentStore } from './document-store';
import { createLocalFolderStore } from './local-folder-store';
import { createS3Store } from './s3-store';

export interface DocumentStoreSettings {
  K2FLOW_DOCUMENT_STORE: 'folder' | 's3';
  K2FLOW_DOCUMENTS_DIR?: string;
  S3_BUCKET?: string;
  S3_ENDPOINT?: string;
  S3_REGION: string;
  S3_FORCE_PATH_STYLE: boolean;
  S3_PREFIX?: string;
}

/**
 * The document store the settings name (config/app-config.ts checked them); the folder store's
 * folder is `dataDir`/documents unless K2FLOW_DOCUMENTS_DIR names one. S3 credentials come from the
 * SDK's own chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role).
 */
export function documentStoreFrom(settings: DocumentStoreSettings, dataDir: string): DocumentStore {
  if (settings.K2FLOW_DOCUMENT_STORE === 'folder') return createLocalFolderStore(settings.K2FLOW_DOCUMENTS_DIR ?? path.join(dataDir, 'documents'));
  return createS3Store({
    bucket: settings.S3_BUCKET!,
    region: settings.S3_REGION,
    forcePathStyle: settings.S3_FORCE_PATH_STYLE,
    ...(settings.S3_ENDPOINT ? { endpoint: settings.S3_ENDPOINT } : {}),
    ...(settings.S3_PREFIX ? { prefix: settings.S3_PREFIX } : {}),
  });
}
