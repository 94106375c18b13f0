/**
 * MetaImage writer: one `.mha` (voxels after the header, `ElementDataFile = LOCAL`) as ITK writes it:
 * world frame LPS (RAS → LPS: x and y negated), `TransformMatrix` the unit vector of each voxel axis in
 * turn, `ElementSpacing` their lengths, `Offset` the first voxel's centre, little endian, and by default
 * `CompressedData = True` (a zlib stream).
 */
import { zlib } from './gzip';
import { axesFromAffine, exactNumber } from './header-text';
import type { Volume } from './volume';
import { encodeVoxels, realVoxels } from './voxel-bytes';

export interface WriteMetaImageOptions {
  /** zlib-compress the voxels (default true). */
  compress?: boolean;
}

const MET_TYPE: Record<string, string> = {
  int8: 'MET_CHAR', uint8: 'MET_UCHAR', int16: 'MET_SHORT', uint16: 'MET_USHORT', int32: 'MET_INT', uint32: 'MET_UINT', float32: 'MET_FLOAT', float64: 'MET_DOUBLE',
};

export function metaImageHeaderText(v: Volume, typeName: string, compressedBytes: number | undefined): string {
  const { axes, origin } = axesFromAffine(v.affine, 'LPS');
  const spacing = axes.map((a) => Math.hypot(...a));
  const unit = axes.flatMap((a, c) => a.map((x) => x / spacing[c]));
  const nums = (v: number[]) => v.map(exactNumber).join(' ');
  const lines = [
    'ObjectType = Image',
    'NDims = 3',
    'BinaryData = True',
    'BinaryDataByteOrderMSB = False',
    `CompressedData = ${compressedBytes === undefined ? 'False' : 'True'}`,
    ...(compressedBytes === undefined ? [] : [`CompressedDataSize = ${compressedBytes}`]),
    `TransformMatrix = ${nums(unit)}`,
    `Offset = ${nums(origin)}`,
    'CenterOfRotation = 0 0 0',
    `ElementSpacing = ${nums(spacing)}`,
    `DimSize = ${v.dims.join(' ')}`,
    `ElementType = ${MET_TYPE[typeName]}`,
    'ElementDataFile = LOCAL',
  ];
  return lines.join('\n') + '\n';
}

/**
 * Encodes a `Volume` as a single-file MetaImage. Voxels keep their type when the volume has no scaling;
 * otherwise the real values are written (MetaImage has no rescale field): int16 when they are whole numbers
 * in range, else float. `readMetaImage` of the result gives the same dims, real values and affine.
 */
export function writeMetaImage(v: Volume, opts: WriteMetaImageOptions = {}): Uint8Array {
  const { data, type } = realVoxels(v);
  const raw = encodeVoxels(data);
  const body = opts.compress ?? true ? zlib(raw) : raw;
  const header = new TextEncoder().encode(metaImageHeaderText(v, type.name, opts.compress ?? true ? body.length : undefined));
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}
