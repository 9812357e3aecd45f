/**
 * @module store/media-stores
 * The MediaStore implementations: bytes in the database (media_blobs) or files in a directory. Writes to the
 * directory go through a temp file and a rename, so a reader never sees half a file.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaStore, Store } from '../core/ports/index.js';

export function databaseMediaStore(store: Store): MediaStore {
  return {
    kind: 'database',
    put: (key, bytes) => store.putBlob(key, bytes, new Date().toISOString()),
    get: (key) => store.getBlob(key),
    delete: (key) => store.deleteBlob(key),
  };
}

export function directoryMediaStore(dir: string): MediaStore {
  const pathOf = (key: string) => {
    if (!/^[a-z0-9_]+$/.test(key)) throw new Error('invalid media key');
    return join(dir, key.slice(-2), key);
  };
  return {
    kind: 'directory',
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(join(path, '..'), { recursive: true });
      const tmp = `${path}.tmp-${process.pid}`;
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
