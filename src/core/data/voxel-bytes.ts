/**
 * Voxels as bytes, for the formats that store a bare array after a text header (NRRD, MetaImage):
 * decode (either byte order, 64-bit integers converted, text) and encode (little endian), with the scalar
 * types named as in `NIFTI_DATATYPES` (one table for every reader and writer).
 */
import { byteSwap, datatypeOfArray, NIFTI_DATATYPES, platformIsLittleEndian, type NiftiDatatype } from './nifti-types';
import { isIdentityScale, type Volume, type VoxelArray } from './volume';

export type ScalarName = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64';

export function scalarType(name: ScalarName): NiftiDatatype {
  return NIFTI_DATATYPES.find((d) => d.name === name)!;
}

/** 64-bit integers (little endian) become Int32Array when every value fits, else Float64Array (exact below 2^53). */
export function convertInt64(bytes: Uint8Array, signed: boolean): Int32Array | Float64Array {
  const n = bytes.length / 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const wide = new Float64Array(n);
  let fits = true;
  for (let i = 0; i < n; i++) {
    const v = Number(signed ? view.getBigInt64(i * 8, true) : view.getBigUint64(i * 8, true));
    wide[i] = v;
    if (v < -2147483648 || v > 2147483647) fits = false;
  }
  return fits ? Int32Array.from(wide) : wide;
}

/** `count` voxels of type `t` from the start of `bytes` (which must hold them), as a new array. */
export function decodeVoxels(bytes: Uint8Array, t: NiftiDatatype, count: number, little: boolean): VoxelArray {
  const copy = bytes.slice(0, count * t.bytes);
  if (!t.array) {
    // convertInt64 reads little-endian words whatever the platform.
    if (!little) byteSwap(copy, t.bytes);
    return convertInt64(copy, t.name === 'int64');
  }
  if (little !== platformIsLittleEndian()) byteSwap(copy, t.bytes);
  return new t.array(copy.buffer, 0, count);
}

/**
 * Numbers written as text (NRRD's "ascii" encoding, MetaImage's BinaryData = False), separated by white
 * space or commas. Returns the values read, at most `count`; fewer means the text ran out.
 */
export function parseTextVoxels(bytes: Uint8Array, t: NiftiDatatype, count: number): { data: VoxelArray; read: number; bad?: string } {
  const text = new TextDecoder().decode(bytes);
  const out = t.array ? new t.array(count) : new Float64Array(count);
  let read = 0;
  const re = /[^\s,]+/g;
  for (let m = re.exec(text); m && read < count; m = re.exec(text)) {
    const x = Number(m[0]);
    if (!Number.isFinite(x) && !/^[-+]?(inf|infinity|nan)$/i.test(m[0])) return { data: out, read, bad: m[0] };
    out[read++] = x;
  }
  return { data: out, read };
}

/** The voxels as little-endian bytes (a view when the platform is little endian). */
export function encodeVoxels(data: VoxelArray): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (platformIsLittleEndian()) return bytes;
  const copy = bytes.slice();
  byteSwap(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

/**
 * What a format without a rescale field stores for a volume: the stored voxels when its scale is the
 * identity, else the real values, as int16 when they are whole numbers within its range (a rescaled CT),
 * else float32.
 */
export function realVoxels(v: Volume): { data: VoxelArray; type: NiftiDatatype } {
  if (isIdentityScale(v.scale)) return { data: v.data, type: datatypeOfArray(v.data) };
  const { slope, inter } = v.scale;
  const d = v.data;
  let whole = true;
  for (let i = 0; i < d.length && whole; i++) {
    const x = d[i] * slope + inter;
    if (!Number.isInteger(x) || x < -32768 || x > 32767) whole = false;
  }
  const out = whole ? new Int16Array(d.length) : new Float32Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = d[i] * slope + inter;
  return { data: out, type: datatypeOfArray(out) };
}
