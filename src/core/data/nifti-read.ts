/**
 * NIfTI-1 / NIfTI-2 reader (.nii, .nii.gz), either byte order. Header fields are parsed by
 * nifti-reader-js; the choice of affine (sform, else qform, else pixdim), scaling and all
 * checks are ours so that the result is exact and the errors say what is wrong.
 */
import { NIFTI1, NIFTI2 } from 'nifti-reader-js';
import { checkPlausibleSpacing, describeNumber } from './header-text';
import { WorkbenchError } from '../errors';
import { det3, identity4, quaternToAffine, type Mat4 } from './affine';
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
import { convertInt64 } from './voxel-bytes';
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
  // Extensions are skipped (the voxels start at vox_offset); clear the flag so that nifti-reader-js
  // does not look for them past the bytes it was given.
  copy.fill(0, size - 4, copy.length);
  try {
    h.readHeader(copy.buffer);
  } catch (e) {
    throw badNifti(fileName, `has a header that could not be read (${e instanceof Error ? e.message : String(e)}); expected a NIfTI-${version} header. The file is damaged.`);
  }
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

const AXES = ['i', 'j', 'k'];
/** Codes 1–4 of NIfTI-1 and 5 (NIFTI_XFORM_TEMPLATE_OTHER) of NIfTI-2. */
const KNOWN_XFORM_CODES = new Set([1, 2, 3, 4, 5]);

/** |det| of the 3×3 part relative to the product of its column norms: 0 for singular, 1 for orthogonal. */
function orthogonality(m: ArrayLike<number>): number {
  const [a, b, c] = spacingFromAffine(m);
  if (!(a > 0 && b > 0 && c > 0)) return 0;
  return Math.abs(det3(m)) / (a * b * c);
}

function transformProblem(m: ArrayLike<number>): string | undefined {
  for (let i = 0; i < 12; i++) if (!Number.isFinite(m[i])) return `holds ${describeNumber(m[i])}`;
  if (orthogonality(m) < 1e-6) return 'is singular (its three axes do not span space)';
  return undefined;
}

/**
 * Voxel sizes from pixdim[1..3] for the qform or the pixdim-only transform. 0 (often written for
 * "unknown") becomes 1 mm and a negative size its magnitude, each with a warning; NaN or infinity
 * cannot be repaired and is refused.
 */
function pixdimSizes(h: Header, fileName: string, use: string, warnings: string[]): Vec3 {
  const raw = [h.pixDims[1], h.pixDims[2], h.pixDims[3]];
  const bad = raw.findIndex((d) => !Number.isFinite(d));
  if (bad >= 0) {
    throw badNifti(
      fileName,
      `has voxel size pixdim[${bad + 1}] = ${describeNumber(raw[bad])} (pixdim ${raw.map(describeNumber).join(', ')}) and ${use}; expected three finite sizes in mm. The header is damaged: rewrite it with the true voxel size (e.g. nibabel's set_zooms, or fslhd/fsledithd).`,
    );
  }
  return raw.map((d, a) => {
    if (d === 0) {
      warnings.push(`${fileName} gives voxel size 0 along ${AXES[a]} (pixdim[${a + 1}]) and ${use}; 1 mm was assumed, so distances and resampling along ${AXES[a]} may be wrong.`);
      return 1;
    }
    if (d < 0) {
      warnings.push(`${fileName} gives a negative voxel size ${describeNumber(d)} along ${AXES[a]} (pixdim[${a + 1}]); its magnitude ${describeNumber(-d)} mm was used.`);
      return -d;
    }
    return d;
  }) as Vec3;
}

function checkXformCode(code: number, which: 'qform' | 'sform', fileName: string, warnings: string[]): void {
  if (code !== 0 && !KNOWN_XFORM_CODES.has(code)) {
    warnings.push(`${fileName} has ${which}_code ${code}, which is not a NIfTI code (expected 0 to 5); its ${which} was ${code > 0 ? 'used anyway' : 'ignored'}.`);
  }
}

/**
 * voxel→world: sform when sform_code > 0 and usable, else qform when qform_code > 0 and usable,
 * else pixdim scaling. Every fallback, repaired voxel size and unit conversion adds a warning.
 */
export function niftiAffine(h: Header, fileName = 'the file', warnings: string[] = []): Mat4 {
  checkXformCode(h.sform_code, 'sform', fileName, warnings);
  checkXformCode(h.qform_code, 'qform', fileName, warnings);
  let fellBack = '';
  if (h.sform_code > 0) {
    const m = identity4();
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) m[r * 4 + c] = h.affine[r][c];
    const problem = transformProblem(m);
    if (!problem) return m;
    fellBack = `its sform (sform_code ${h.sform_code}) ${problem}`;
  }
  if (h.qform_code > 0) {
    const q = [h.quatern_b, h.quatern_c, h.quatern_d, h.qoffset_x, h.qoffset_y, h.qoffset_z];
    const bad = q.find((x) => !Number.isFinite(x));
    if (bad === undefined) {
      const pix = pixdimSizes(h, fileName, 'its qform uses them', warnings);
      const m = quaternToAffine({ b: h.quatern_b, c: h.quatern_c, d: h.quatern_d, offset: [h.qoffset_x, h.qoffset_y, h.qoffset_z], pixdim: pix, qfac: h.pixDims[0] < 0 ? -1 : 1 });
      if (fellBack) warnings.push(`${fileName}: ${fellBack}; the qform was used instead.`);
      return m;
    }
    fellBack = `${fellBack ? `${fellBack}, and ` : ''}its qform (qform_code ${h.qform_code}) holds ${describeNumber(bad)}`;
  }
  const pix = pixdimSizes(h, fileName, fellBack ? 'its transforms are unusable' : 'it has no qform or sform', warnings);
  const m = identity4();
  m[0] = pix[0];
  m[5] = pix[1];
  m[10] = pix[2];
  warnings.push(
    fellBack
      ? `${fileName}: ${fellBack}; the voxel sizes in pixdim were used with no orientation, so the scan is shown as if its axes were right, anterior, superior.`
      : `${fileName} has no qform or sform (both codes 0), so its orientation is unknown; it is shown as if its axes were right, anterior, superior.`,
  );
  return m;
}

/** xyzt_units: metres and microns are converted to mm; unknown (0) is taken as mm. */
function toMillimetres(m: Mat4, h: Header, fileName: string, warnings: string[]): void {
  const units = h.xyzt_units & 7;
  const factor = units === 1 ? 1000 : units === 3 ? 1e-3 : 1;
  if (units === 1 || units === 3) {
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) m[r * 4 + c] *= factor;
    warnings.push(`${fileName} gives its spatial units as ${units === 1 ? 'metres' : 'microns'} (xyzt_units ${h.xyzt_units}); its geometry was converted to mm.`);
  } else if (units !== 0 && units !== 2) {
    warnings.push(`${fileName} has spatial unit code ${units} (xyzt_units ${h.xyzt_units}), which is not a NIfTI unit; mm was assumed.`);
  }
}

/** A voxel size outside 0.01–100 mm is almost always a units or header error. */
function readVoxels(raw: Uint8Array, h: Header, t: NiftiDatatype, count: number, little: boolean, fileName: string): VoxelArray {
  const offset = Number(h.vox_offset);
  const minOffset = h instanceof NIFTI1 ? 348 : 540;
  if (!(offset >= minOffset) || !Number.isInteger(offset)) {
    throw badNifti(fileName, `has vox_offset ${describeNumber(offset)}; expected a whole number of bytes, at least ${minOffset} (voxels must follow the header). The header is damaged.`);
  }
  if (offset > raw.length) {
    throw badNifti(fileName, `has vox_offset ${offset}, past the end of the file (${raw.length.toLocaleString('en-US')} bytes); expected the voxels to start inside it. The file was probably cut short or its header is damaged.`);
  }
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

/** Float voxels that are NaN or ±infinity become the smallest finite value (the background), with a warning. */
function replaceNonFinite(data: VoxelArray, fileName: string, warnings: string[]): void {
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return;
  let bad = 0;
  let min = Infinity;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (Number.isFinite(x)) {
      if (x < min) min = x;
    } else bad++;
  }
  if (bad === 0) return;
  const fill = Number.isFinite(min) ? min : 0;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) data[i] = fill;
  warnings.push(`${fileName} holds ${bad.toLocaleString('en-US')} voxel${bad === 1 ? '' : 's'} that are not numbers (NaN or infinity); they were set to ${describeNumber(fill)}, the smallest value in the scan.`);
}

function scaleOf(h: Header, fileName: string, warnings: string[]): { slope: number; inter: number } {
  const slope = h.scl_slope;
  // NIfTI: slope 0 means "no scaling"; NaN is treated the same way by nifti_io and nibabel.
  if (slope === 0 || Number.isNaN(slope)) return { slope: 1, inter: 0 };
  if (!Number.isFinite(slope)) {
    warnings.push(`${fileName} has scl_slope ${describeNumber(slope)}; expected a finite number. The values were read unscaled.`);
    return { slope: 1, inter: 0 };
  }
  if (!Number.isFinite(h.scl_inter)) {
    warnings.push(`${fileName} has scl_inter ${describeNumber(h.scl_inter)} with scl_slope ${describeNumber(slope)}; the intercept was taken as 0.`);
    return { slope, inter: 0 };
  }
  return { slope, inter: h.scl_inter };
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
  const warnings: string[] = [];
  if (h.numBitsPerVoxel !== t.bytes * 8) {
    warnings.push(`${fileName} has bitpix ${h.numBitsPerVoxel} but datatype ${t.name} (${t.bytes * 8} bits); the voxels were read as ${t.name}.`);
  }
  const data = readVoxels(raw, h, t, dims[0] * dims[1] * dims[2], little, fileName);
  const affine = niftiAffine(h, fileName, warnings);
  toMillimetres(affine, h, fileName, warnings);
  const spacing = spacingFromAffine(affine);
  checkPlausibleSpacing(spacing, fileName, warnings);
  replaceNonFinite(data, fileName, warnings);
  const description = (h.description ?? '').replace(/\0.*$/s, '').trim();
  return {
    name: fileName,
    dims,
    spacing,
    affine,
    data,
    scale: scaleOf(h, fileName, warnings),
    ...(description ? { description } : {}),
    ...(h.intent_code === NIFTI_INTENT_LABEL ? { intent: 'label' as const } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}
