/**
 * Turning what a user or a script hands us (a URL, bytes, File objects, a dropped folder) into named
 * byte buffers for the engine. Only same-origin URLs are fetched: patient data never leaves the browser,
 * and the workbench makes no requests to other origins.
 */
import { WorkbenchError } from '../core/errors';
import type { VolumeSource } from '../api/types';
import type { NamedBytes } from '../worker/protocol';

export function baseName(path: string): string {
  const clean = path.split(/[?#]/)[0];
  const parts = clean.split('/').filter(Boolean);
  return decodeURIComponent(parts[parts.length - 1] ?? clean);
}

export async function fetchSameOrigin(url: string): Promise<NamedBytes> {
  const resolved = new URL(url, location.href);
  if (resolved.origin !== location.origin && resolved.protocol !== 'blob:') {
    throw new WorkbenchError(
      'bad-argument',
      `${url} is on another origin (${resolved.origin}); the workbench only reads files from this site or from your disk, so that no scan is ever sent or fetched elsewhere.`,
    );
  }
  let res: Response;
  try {
    res = await fetch(resolved.href);
  } catch (e) {
    throw new WorkbenchError('not-found', `Could not fetch ${url}: ${(e as Error).message}.`);
  }
  if (!res.ok) throw new WorkbenchError('not-found', `Could not fetch ${url}: the server answered ${res.status} ${res.statusText}.`);
  return { name: baseName(resolved.pathname), bytes: await res.arrayBuffer() };
}

export async function fileToNamedBytes(f: File): Promise<NamedBytes> {
  const path = (f as File & { webkitRelativePath?: string }).webkitRelativePath;
  return { name: path && path.length > 0 ? path : f.name, bytes: await f.arrayBuffer() };
}

export async function sourceToFiles(source: VolumeSource, name?: string): Promise<NamedBytes[]> {
  if (typeof source === 'string') return [await fetchSameOrigin(source)];
  if (source instanceof ArrayBuffer) return [{ name: name ?? 'volume.nii', bytes: source }];
  if (Array.isArray(source)) return Promise.all(source.map(fileToNamedBytes));
  if (source instanceof File) return [await fileToNamedBytes(source)];
  throw new WorkbenchError('bad-argument', 'loadVolume expects a URL string, an ArrayBuffer, a File or an array of Files (a DICOM series).');
}
