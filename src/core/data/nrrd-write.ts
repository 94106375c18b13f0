/**
 * NRRD writer: one attached `.nrrd` (NRRD0004) as 3D Slicer writes it: space left-posterior-superior,
 * space directions and origin from the volume's affine (RAS → LPS: x and y negated), kinds domain,
 * little endian, gzip encoding by default.
 */
import { gzip as gzipBytes } from './gzip';
import { axesFromAffine, exactNumber } from './header-text';
import type { Volume } from './volume';
import { encodeVoxels, realVoxels } from './voxel-bytes';

export interface WriteNrrdOptions {
  /** gzip encoding (default true); false writes raw. */
  gzip?: boolean;
}

const NRRD_TYPE: Record<string, string> = {
  int8: 'int8', uint8: 'uint8', int16: 'int16', uint16: 'uint16', int32: 'int32', uint32: 'uint32', float32: 'float', float64: 'double',
};

const vec = (v: number[]) => `(${v.map(exactNumber).join(',')})`;

/** The header text, blank line included. */
export function nrrdHeaderText(v: Volume, typeName: string, gzip: boolean): string {
  const { axes, origin } = axesFromAffine(v.affine, 'LPS');
  const lines = [
    'NRRD0004',
    '# written by the CT Segmentation Workbench',
    `type: ${NRRD_TYPE[typeName]}`,
    'dimension: 3',
    'space: left-posterior-superior',
    `sizes: ${v.dims.join(' ')}`,
    `space directions: ${axes.map(vec).join(' ')}`,
    'kinds: domain domain domain',
    'endian: little',
    `encoding: ${gzip ? 'gzip' : 'raw'}`,
    `space origin: ${vec(origin)}`,
  ];
  if (v.description) lines.push(`content: ${v.description.replace(/[\r\n]+/g, ' ')}`);
  return lines.join('\n') + '\n\n';
}

/**
 * Encodes a `Volume` as an attached NRRD. Voxels keep their type when the volume has no scaling; otherwise
 * the real values are written (NRRD has no rescale field): int16 when they are whole numbers in range,
 * else float. `readNrrd` of the result gives the same dims, real values and affine (exactly: every number
 * is written with the digits that read back to the same float64).
 */
export function writeNrrd(v: Volume, opts: WriteNrrdOptions = {}): Uint8Array {
  const gz = opts.gzip ?? true;
  const { data, type } = realVoxels(v);
  const header = new TextEncoder().encode(nrrdHeaderText(v, type.name, gz));
  const raw = encodeVoxels(data);
  const body = gz ? gzipBytes(raw) : raw;
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}
