/**
 * A 3-D scalar volume in the browser's memory.
 *
 * Layout: `data[i + nx * (j + ny * k)]` is voxel (i, j, k): x varies fastest, as in NIfTI.
 * As a tfjs tensor the same buffer is NDHWC `[1, nz, ny, nx, 1]` with no copy or transpose.
 */
import type { DicomSource } from './dicom-source';

export type VoxelArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

export type Vec3 = [number, number, number];

export interface VolumeScale {
  /** real value = stored × slope + inter (NIfTI scl_slope / scl_inter, DICOM rescale). */
  slope: number;
  inter: number;
}

export interface Volume {
  name: string;
  /** Voxels along x, y, z (i, j, k). */
  dims: Vec3;
  /** Voxel size in mm along i, j, k (the column norms of the affine). */
  spacing: Vec3;
  /** 16 numbers, row-major: voxel index (i, j, k, 1) → world (x, y, z, 1) in mm, RAS+. */
  affine: Float64Array;
  /** Stored values; apply `scale` for real values (HU for CT). */
  data: VoxelArray;
  scale: VolumeScale;
  /** Free text from the file (NIfTI descrip, DICOM series description). */
  description?: string;
  /** 'label' when the file says so (NIfTI intent NIFTI_INTENT_LABEL); absent when unknown. */
  intent?: VolumeIntent;
  /**
   * What the reader repaired or assumed (a voxel size of 0 taken as 1 mm, a transform it fell back
   * from, files of a folder it left out), one sentence each, for the user to read.
   */
  warnings?: string[];
  /**
   * For a volume read from a DICOM series: the UIDs, patient/study attributes and per-slice SOP
   * Instances a DICOM Segmentation of it must reference (slice k of the volume = `dicom.slices[k]`).
   * Only valid on the grid it was read on: reorienting or resampling drops it.
   */
  dicom?: DicomSource;
}

export type VolumeIntent = 'image' | 'label';

export function voxelCount(v: Pick<Volume, 'dims'>): number {
  return v.dims[0] * v.dims[1] * v.dims[2];
}

export function isIdentityScale(s: VolumeScale): boolean {
  return s.slope === 1 && s.inter === 0;
}

/** Real values (stored × slope + inter) as float32, NDHWC-compatible order. */
export function realValues(v: Volume): Float32Array {
  const n = v.data.length;
  const out = new Float32Array(n);
  const { slope, inter } = v.scale;
  const d = v.data;
  if (slope === 1 && inter === 0) {
    for (let i = 0; i < n; i++) out[i] = d[i];
  } else {
    for (let i = 0; i < n; i++) out[i] = d[i] * slope + inter;
  }
  return out;
}

/** Min and max of the real values. */
export function realRange(v: Volume): { min: number; max: number } {
  let lo = Infinity;
  let hi = -Infinity;
  const d = v.data;
  for (let i = 0; i < d.length; i++) {
    const x = d[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const { slope, inter } = v.scale;
  const a = lo * slope + inter;
  const b = hi * slope + inter;
  return { min: Math.min(a, b), max: Math.max(a, b) };
}

/** Spacing from an affine: the norms of its first three columns. */
export function spacingFromAffine(affine: ArrayLike<number>): Vec3 {
  const col = (c: number) => Math.hypot(affine[c], affine[4 + c], affine[8 + c]);
  return [col(0), col(1), col(2)];
}

export function sameGrid(a: Pick<Volume, 'dims' | 'affine'>, b: Pick<Volume, 'dims' | 'affine'>, tolMm = 1e-3): boolean {
  if (a.dims[0] !== b.dims[0] || a.dims[1] !== b.dims[1] || a.dims[2] !== b.dims[2]) return false;
  for (let i = 0; i < 12; i++) if (Math.abs(a.affine[i] - b.affine[i]) > tolMm) return false;
  return true;
}

/** "122×101×112", the way sizes appear in messages. */
export function formatDims(dims: readonly number[]): string {
  return dims.join('×');
}
