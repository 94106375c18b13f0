/** NIfTI datatype codes and the typed arrays that hold them (one table for reader and writer). */
import type { VoxelArray } from './volume';

export type VoxelArrayConstructor =
  | Uint8ArrayConstructor
  | Int8ArrayConstructor
  | Uint16ArrayConstructor
  | Int16ArrayConstructor
  | Uint32ArrayConstructor
  | Int32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

export interface NiftiDatatype {
  code: number;
  name: string;
  bytes: number;
  /** Absent for 64-bit integers, which are converted on reading (see `readNifti`). */
  array?: VoxelArrayConstructor;
}

export const NIFTI_DATATYPES: readonly NiftiDatatype[] = [
  { code: 2, name: 'uint8', bytes: 1, array: Uint8Array },
  { code: 4, name: 'int16', bytes: 2, array: Int16Array },
  { code: 8, name: 'int32', bytes: 4, array: Int32Array },
  { code: 16, name: 'float32', bytes: 4, array: Float32Array },
  { code: 64, name: 'float64', bytes: 8, array: Float64Array },
  { code: 256, name: 'int8', bytes: 1, array: Int8Array },
  { code: 512, name: 'uint16', bytes: 2, array: Uint16Array },
  { code: 768, name: 'uint32', bytes: 4, array: Uint32Array },
  { code: 1024, name: 'int64', bytes: 8 },
  { code: 1280, name: 'uint64', bytes: 8 },
];

/** Names of the codes we cannot read, for error messages. */
export const UNSUPPORTED_DATATYPES: Record<number, string> = {
  1: 'binary (1 bit per voxel)',
  32: 'complex64',
  128: 'RGB24 colour',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'RGBA32 colour',
};

export function datatypeByCode(code: number): NiftiDatatype | undefined {
  return NIFTI_DATATYPES.find((d) => d.code === code);
}

export function datatypeOfArray(a: VoxelArray): NiftiDatatype {
  const d = NIFTI_DATATYPES.find((t) => t.array !== undefined && a instanceof t.array);
  if (!d) throw new Error(`no NIfTI datatype for ${Object.prototype.toString.call(a)}`);
  return d;
}

export const NIFTI_INTENT_LABEL = 1002;
export const NIFTI_XFORM_SCANNER_ANAT = 1;
/** xyzt_units: millimetres (2) + seconds (8). */
export const NIFTI_UNITS_MM_SEC = 2 | 8;

export function platformIsLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** Reverses the byte order of every `size`-byte word in place. */
export function byteSwap(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}
