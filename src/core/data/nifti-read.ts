/**
 * NIfTI-1 / NIfTI-2 reader (.nii, .nii.gz), either byte order. Header fields are parsed by
 * nifti-reader-js; the choice of affine (sform, else qform, else pixdim), scaling and all
 * checks are ours so that the result is exact and the errors say what is wrong.
 */
import { NIFTI1, NIFTI2 } from 'nifti-reader-js';
import { WorkbenchError } from '../errors';
import { identity4, quaternToAffine, type Mat4 } from './affine';
import { gunzipChecked } from './gzip';
import {
  byteSwap,
  datatypeByCode,
  NIFTI_INTENT_LABEL,
  platformIsLittleEndian,
  UNSUPPORTED_DATATYPES,
  type NiftiDatatype,
} from './nifti-types';
import { describeContent, isGzip, sniff, toBytes } from './sniff';
import { formatDims, spacingFromAffine, type Vec3, type Volume, type VoxelArray } from './volume';

type Header = NIFTI1 | NIFTI2;

function badNifti(fileName: string, message: string): WorkbenchError {
  return new WorkbenchError('bad-nifti', `${fileName} ${message}`, { file: fileName });
}

/** Bytes of the uncompressed file, with its NIfTI header identified. */
function openNifti(bytes: Uint8Array, fileName: string): { raw: Uint8Array; version: 1 | 2; little: boolean } {
  const gz = isGzip(bytes);
  const raw = gz ? gunzipChecked(bytes, fileName) : bytes;
  const s = sniff(raw);
  const inside = gz ? ' (after decompression)' : '';
  if (s.kind === 'nifti1' || s.kind === 'nifti2') {
    return { raw, version: s.kind === 'nifti1' ? 1 : 2, little: s.littleEndian ?? true };
  }
  if (s.kind === 'nifti-pair') {
    throw badNifti(fileName, `is the header of a NIfTI .hdr/.img pair${inside}; expected a single-file .nii or .nii.gz. Convert the pair to one .nii file (e.g. with fslchfiletype or nibabel).`);
  }
  if (s.kind === 'analyze') {
    throw badNifti(fileName, `has a 348-byte Analyze 7.5 header without the NIfTI magic "n+1"${inside}; expected a NIfTI-1 or NIfTI-2 file.`);
  }
  throw new WorkbenchError(
    'bad-file-type',
    `${fileName} is not a NIfTI file: expected a NIfTI-1 or NIfTI-2 header (348 or 540 bytes, magic "n+1"/"n+2")${inside}, found ${describeContent(raw)}.`,
    { file: fileName },
  );
}

function parseHeader(raw: Uint8Array, version: 1 | 2, fileName: string): Header {
  const size = version === 1 ? 352 : 544;
  if (raw.length < size - 4) throw badNifti(fileName, `is truncated: its header needs ${size - 4} bytes but the file has ${raw.length}.`);
  const h = version === 1 ? new NIFTI1() : new NIFTI2();
  const copy = raw.slice(0, Math.min(raw.length, size));
  h.readHeader(copy.buffer);
  return h;
}

/** (nx, ny, nz) after checking that the file holds exactly one 3-D volume. */
function volumeDims(h: Header, fileName: string): Vec3 {
  const ndim = h.dims[0];
  if (!(ndim >= 1 && ndim <= 7)) throw badNifti(fileName, `has an invalid dim[0] = ${ndim}; expected 1 to 7 dimensions.`);
  const dims = h.dims.slice(1, ndim + 1).map(Number);
  if (dims.some((d) => !(d >= 1) || !Number.isInteger(d))) {
    throw badNifti(fileName, `has invalid dimensions ${formatDims(dims)}; each must be a whole number ≥ 1.`);
  }
  const [nx, ny = 1, nz = 1] = dims;
  const extra = dims.slice(3).reduce((a, b) => a * b, 1);
  if (extra > 1) {
    throw new WorkbenchError(
      'bad-dimensions',
      `${fileName} is ${ndim}-D (${formatDims(dims)}) with ${extra} volumes; the workbench needs a single 3-D scan. Extract one volume first (e.g. fslroi or nibabel).`,
      { file: fileName },
    );
  }
  const flat = [nx, ny, nz].filter((d) => d === 1).length;
  if (flat > 0) {
    throw new WorkbenchError(
      'bad-dimensions',
      `${fileName} is ${formatDims([nx, ny, nz])}: a ${flat === 1 ? 'single 2-D slice' : 'line or point'}, not a 3-D scan. Load the whole series or volume.`,
      { file: fileName },
    );
  }
  return [nx, ny, nz];
}

function datatypeOf(h: Header, fileName: string): NiftiDatatype {
  const t = datatypeByCode(h.datatypeCode);
  if (t) return t;
  const known = UNSUPPORTED_DATATYPES[h.datatypeCode];
  throw badNifti(
    fileName,
    `stores voxels as ${known ?? `unknown datatype code ${h.datatypeCode}`}; expected a scalar type (uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32 or float64).`,
  );
}

/** voxel→world: sform when sform_code > 0, else qform when qform_code > 0, else pixdim scaling. */
export function niftiAffine(h: Header): Mat4 {
  if (h.sform_code > 0) {
    const m = identity4();
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) m[r * 4 + c] = h.affine[r][c];
    return m;
  }
  const pix = [h.pixDims[1], h.pixDims[2], h.pixDims[3]].map((d) => (d > 0 ? d : 1)) as Vec3;
  if (h.qform_code > 0) {
    return quaternToAffine({
      b: h.quatern_b,
      c: h.quatern_c,
      d: h.quatern_d,
      offset: [h.qoffset_x, h.qoffset_y, h.qoffset_z],
      pixdim: pix,
      qfac: h.pixDims[0] < 0 ? -1 : 1,
    });
  }
  const m = identity4();
  m[0] = pix[0];
  m[5] = pix[1];
  m[10] = pix[2];
  return m;
}

/** 64-bit integers become Int32Array when every value fits, else Float64Array (exact below 2^53). */
function convertInt64(bytes: Uint8Array, signed: boolean): Int32Array | Float64Array {
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

function readVoxels(raw: Uint8Array, h: Header, t: NiftiDatatype, count: number, little: boolean, fileName: string): VoxelArray {
  const offset = Number(h.vox_offset);
  const minOffset = h instanceof NIFTI1 ? 348 : 540;
  if (!(offset >= minOffset)) throw badNifti(fileName, `has vox_offset ${offset}; expected at least ${minOffset} (voxels must follow the header).`);
  const need = count * t.bytes;
  const have = Math.max(0, raw.length - offset);
  if (have < need) {
    throw badNifti(
      fileName,
      `is truncated: its header promises ${count.toLocaleString('en-US')} ${t.name} voxels (${need.toLocaleString('en-US')} bytes from offset ${offset}) but only ${have.toLocaleString('en-US')} bytes follow. The file was probably cut short; fetch it again.`,
    );
  }
  const bytes = raw.slice(offset, offset + need);
  if (little !== platformIsLittleEndian()) byteSwap(bytes, t.bytes);
  if (!t.array) return convertInt64(bytes, t.name === 'int64');
  return new t.array(bytes.buffer, 0, count);
}

/**
 * Reads a NIfTI-1 or NIfTI-2 file (.nii or .nii.gz, detected by content) into a `Volume`.
 * Voxel (i, j, k) lands at `i + nx*(j + ny*k)` (NDHWC `[1, nz, ny, nx, 1]`), values as stored
 * (64-bit integers converted), `scl_slope`/`scl_inter` in `scale` (slope 0 means no scaling),
 * affine voxel→RAS mm from the sform when sform_code > 0, else the qform, else pixdim.
 * Throws `WorkbenchError` (bad-file-type, truncated-gzip, bad-nifti, bad-dimensions).
 */
export interface ReadNiftiOptions {
  /** Called once the grid is known, before any voxel is read: a place to refuse a scan that is too large. */
  checkHeader?: (header: { name: string; dims: Vec3 }) => void;
}

export function readNifti(input: ArrayBuffer | Uint8Array, fileName: string, opts: ReadNiftiOptions = {}): Volume {
  const { raw, version, little } = openNifti(toBytes(input), fileName);
  const h = parseHeader(raw, version, fileName);
  const dims = volumeDims(h, fileName);
  opts.checkHeader?.({ name: fileName, dims });
  const t = datatypeOf(h, fileName);
  const data = readVoxels(raw, h, t, dims[0] * dims[1] * dims[2], little, fileName);
  const affine = niftiAffine(h);
  if (!affine.every(Number.isFinite)) throw badNifti(fileName, 'has a voxel-to-world transform with non-finite numbers.');
  const slope = h.scl_slope;
  const scaled = Number.isFinite(slope) && slope !== 0;
  const inter = scaled && Number.isFinite(h.scl_inter) ? h.scl_inter : 0;
  const description = (h.description ?? '').replace(/\0.*$/s, '').trim();
  return {
    name: fileName,
    dims,
    spacing: spacingFromAffine(affine),
    affine,
    data,
    scale: { slope: scaled ? slope : 1, inter },
    ...(description ? { description } : {}),
    ...(h.intent_code === NIFTI_INTENT_LABEL ? { intent: 'label' as const } : {}),
  };
}
