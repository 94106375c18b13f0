/** Test helper (Node only): bytes of a file in the repository, e.g. `repoFile('public/demo/ct.nii.gz')`. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

export function repoPath(rel: string): string {
  return join(root, rel);
}

export function repoFile(rel: string): Uint8Array {
  const b = readFileSync(repoPath(rel));
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Every file in a repository folder as `{ name, bytes }`, sorted by name. */
export function repoFolder(rel: string): { name: string; bytes: ArrayBuffer }[] {
  return readdirSync(repoPath(rel))
    .sort()
    .map((name) => {
      const b = readFileSync(join(repoPath(rel), name));
      return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer };
    });
}
