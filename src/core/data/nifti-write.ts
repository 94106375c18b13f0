/**
 * NIfTI-1 writer: a single-file .nii (optionally gzipped) that other NIfTI tools open.
 * Header: sizeof_hdr 348, magic "n+1", vox_offset 352, xyzt_units mm+s, qform and sform both
 * set (code 1, scanner anatomical) from the same affine, little endian.
 */
import { affineToQuatern } from './affine';
import { gzip } from './gzip';
import {
  datatypeOfArray,
  NIFTI_INTENT_LABEL,
  NIFTI_UNITS_MM_SEC,
  NIFTI_XFORM_SCANNER_ANAT,
  platformIsLittleEndian,
  byteSwap,
} from './nifti-types';
import type { Volume, VolumeIntent } from './volume';

export interface WriteNiftiOptions {
  /** gzip the output (.nii.gz). Default false (.nii). */
  gzip?: boolean;
  /** 'label' writes intent_code NIFTI_INTENT_LABEL (1002). Default: the volume's own intent, else 'image'. */
  intent?: VolumeIntent;
}

const HEADER_BYTES = 348;
const VOX_OFFSET = 352;

function writeString(view: DataView, at: number, max: number, text: string): void {
  const bytes = new TextEncoder().encode(text);
  const n = Math.min(bytes.length, max - 1);
  for (let i = 0; i < n; i++) view.setUint8(at + i, bytes[i]);
}

function dataRange(v: Volume): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  const d = v.data;
  for (let i = 0; i < d.length; i++) {
    const x = d[i];
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { min, max };
}

function writeGeometry(view: DataView, v: Volume): void {
  const le = true;
  const q = affineToQuatern(v.affine);
  view.setFloat32(76, q.qfac, le);
  for (let a = 0; a < 3; a++) view.setFloat32(80 + a * 4, q.pixdim[a], le);
  for (let a = 3; a < 7; a++) view.setFloat32(80 + a * 4, 1, le);
  view.setInt16(252, NIFTI_XFORM_SCANNER_ANAT, le);
  view.setInt16(254, NIFTI_XFORM_SCANNER_ANAT, le);
  view.setFloat32(256, q.b, le);
  view.setFloat32(260, q.c, le);
  view.setFloat32(264, q.d, le);
  for (let r = 0; r < 3; r++) view.setFloat32(268 + r * 4, q.offset[r], le);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) view.setFloat32(280 + r * 16 + c * 4, v.affine[r * 4 + c], le);
  }
}

/** The 352 bytes before the voxels: header plus an empty extension flag. */
export function niftiHeaderBytes(v: Volume, intent: VolumeIntent): Uint8Array {
  const buf = new ArrayBuffer(VOX_OFFSET);
  const view = new DataView(buf);
  const le = true;
  const t = datatypeOfArray(v.data);
  view.setInt32(0, HEADER_BYTES, le);
  view.setUint8(38, 'r'.charCodeAt(0));
  const dim = [3, v.dims[0], v.dims[1], v.dims[2], 1, 1, 1, 1];
  dim.forEach((d, i) => view.setInt16(40 + i * 2, d, le));
  view.setInt16(68, intent === 'label' ? NIFTI_INTENT_LABEL : 0, le);
  view.setInt16(70, t.code, le);
  view.setInt16(72, t.bytes * 8, le);
  view.setFloat32(108, VOX_OFFSET, le);
  view.setFloat32(112, v.scale.slope, le);
  view.setFloat32(116, v.scale.inter, le);
  view.setUint8(123, NIFTI_UNITS_MM_SEC);
  if (intent === 'label') {
    const { min, max } = dataRange(v);
    view.setFloat32(124, max * v.scale.slope + v.scale.inter, le);
    view.setFloat32(128, min * v.scale.slope + v.scale.inter, le);
  }
  writeString(view, 148, 80, v.description ?? '');
  writeGeometry(view, v);
  if (intent === 'label') writeString(view, 328, 16, 'labels');
  writeString(view, 344, 4, 'n+1');
  return new Uint8Array(buf);
}

/**
 * Encodes a `Volume` as NIfTI-1. Voxels are written as stored (same datatype), with `scale` as
 * scl_slope/scl_inter and the affine as sform (float32) and qform. Reading the result back with
 * `readNifti` gives the same dims, datatype, values and scale, and the affine rounded to float32
 * (exactly the same affine when it came from a NIfTI file).
 */
export function writeNifti(v: Volume, opts: WriteNiftiOptions = {}): Uint8Array {
  const intent = opts.intent ?? v.intent ?? 'image';
  const header = niftiHeaderBytes(v, intent);
  const t = datatypeOfArray(v.data);
  const voxelBytes = v.data.length * t.bytes;
  const out = new Uint8Array(VOX_OFFSET + voxelBytes);
  out.set(header, 0);
  const body = new Uint8Array(v.data.buffer, v.data.byteOffset, voxelBytes);
  out.set(body, VOX_OFFSET);
  if (!platformIsLittleEndian()) byteSwap(out.subarray(VOX_OFFSET), t.bytes);
  return opts.gzip ? gzip(out) : out;
}
