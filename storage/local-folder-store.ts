import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DocumentMissing, type DocumentStore } from './document-store';

/**
 * Documents in a folder: one file per key. A file appears whole or not at all (written beside it,
 * flushed, then renamed), so a crash mid-upload leaves no half document under a key.
 */
export function createLocalFolderStore(folder: string): DocumentStore {
  const root = path.resolve(folder);
  const fileOf = (key: string) => {
    const file = path.resolve(root, ...key.split('/'));
    // Keys are k2flow's own, but a key must never name a file outside the folder.
    if (!file.startsWith(root + path.sep)) throw new Error(`Document key ${key} leaves the document folder.`);
    return file;
  };
  return {
    description: `folder ${root}`,
    async put(key, content) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const partial = `${file}.${randomUUID()}.partial`;
      const handle = await open(partial, 'wx', 0o640);
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(partial, file).catch(async (error: unknown) => {
        await rm(partial, { force: true });
        throw error;
      });
    },
    async get(key) {
      const stream = createReadStream(fileOf(key));
      // Opening is asynchronous: wait for it, so a missing file is an answer here, not a stream error later.
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new DocumentMissing(key) : error));
      });
      return stream;
    },
  };
}
