/**
 * Models on disk (Node): a folder with model.json + weights.bin, written and read through the same
 * functions the app uses for downloads and uploads (engines/models.ts), and a `fetch` over local files so
 * the app's URL loader (tf.io.http) can read public/models/ in Node.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadModelFromFiles, modelToBytes, type LoadedModel } from '../core/engines/models';

export async function writeModelDir(m: LoadedModel, dir: string): Promise<{ modelJsonBytes: number; weightsBytes: number }> {
  mkdirSync(dir, { recursive: true });
  const { modelJson, weights } = await modelToBytes(m);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(JSON.parse(modelJson), null, 1) + '\n');
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weights));
  return { modelJsonBytes: modelJson.length, weightsBytes: weights.byteLength };
}

export async function readModelDir(dir: string, o: { id?: string; name?: string; source?: LoadedModel['info']['source'] } = {}): Promise<LoadedModel> {
  const file = (n: string) => {
    const p = join(dir, n);
    if (!existsSync(p)) throw new Error(`${p} does not exist`);
    const b = readFileSync(p);
    return { name: n, bytes: new Uint8Array(b.buffer, b.byteOffset, b.length) };
  };
  return loadModelFromFiles([file('model.json'), file('weights.bin')], o);
}

/** A `fetch` that serves URLs like "/models/x.json" or "http://localhost/models/x.json" from `root` on disk. */
export function localFetch(root: string): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0];
    const full = resolve(root, '.' + (path.startsWith('/') ? path : '/' + path));
    if (!full.startsWith(resolve(root)) || !existsSync(full)) return new Response('not found', { status: 404 });
    return new Response(readFileSync(full), { status: 200 });
  }) as typeof fetch;
}
