/**
 * What the text-header formats (NRRD, MetaImage) share: reading header lines from the bytes of a file,
 * turning axis vectors and an origin in their world frame (LPS, RAS, …) into a `Volume`'s RAS+ affine and
 * back, the 3-D checks every reader makes, and finding the detached data file a header names.
 */
import { WorkbenchError, type WorkbenchErrorCode } from '../errors';
import { det3, identity4, type Mat4 } from './affine';
import type { NiftiDatatype } from './nifti-types';
import { formatDims, spacingFromAffine, type Vec3, type VoxelArray } from './volume';
import { decodeVoxels, parseTextVoxels } from './voxel-bytes';

export interface HeaderLines {
  lines: string[];
  /** Byte offset just past the last line read (the terminating line included). */
  end: number;
  /** False when the bytes ran out (or passed `maxBytes`) before the terminating line. */
  complete: boolean;
}

/**
 * Reads lines (Latin-1, `\n` or `\r\n`) from the start of `bytes` until `isLast(line)` says a line ends the
 * header (that line is kept in `lines` and consumed). Stops at `maxBytes` without a terminating line.
 */
export function readHeaderLines(bytes: Uint8Array, isLast: (line: string) => boolean, maxBytes = 1 << 20): HeaderLines {
  const lines: string[] = [];
  let at = 0;
  const limit = Math.min(bytes.length, maxBytes);
  while (at < limit) {
    let nl = bytes.indexOf(0x0a, at);
    const last = nl < 0;
    if (last) nl = bytes.length;
    let s = '';
    for (let i = at; i < nl; i++) s += String.fromCharCode(bytes[i]);
    if (s.endsWith('\r')) s = s.slice(0, -1);
    lines.push(s);
    at = last ? nl : nl + 1;
    if (isLast(s)) return { lines, end: at, complete: true };
  }
  return { lines, end: at, complete: false };
}

/** The anatomical frames of NRRD's `space` and of MetaImage (ITK: LPS); the signs that take each to RAS. */
export type WorldFrame = 'RAS' | 'LAS' | 'LPS';
const TO_RAS: Record<WorldFrame, Vec3> = { RAS: [1, 1, 1], LAS: [-1, 1, 1], LPS: [-1, -1, 1] };

/**
 * voxel → RAS mm from the world vectors of the three voxel axes (each one voxel long, in `frame`) and the
 * centre of the first voxel: column c is axis c; rows flip where `frame` and RAS disagree (LPS: x and y).
 */
export function affineFromAxes(axes: [Vec3, Vec3, Vec3], origin: Vec3, frame: WorldFrame): Mat4 {
  const s = TO_RAS[frame];
  const m = identity4();
  for (let r = 0; r < 3; r++) {
    // `+ 0` keeps a negated 0 from becoming −0.
    for (let c = 0; c < 3; c++) m[r * 4 + c] = s[r] * axes[c][r] + 0;
    m[r * 4 + 3] = s[r] * origin[r] + 0;
  }
  return m;
}

/** The inverse of `affineFromAxes`: each voxel axis as a vector in `frame`, and the first voxel's centre. */
export function axesFromAffine(affine: ArrayLike<number>, frame: WorldFrame): { axes: [Vec3, Vec3, Vec3]; origin: Vec3 } {
  const s = TO_RAS[frame];
  const axes = [0, 1, 2].map((c) => [0, 1, 2].map((r) => s[r] * affine[r * 4 + c] + 0)) as [Vec3, Vec3, Vec3];
  const origin = [0, 1, 2].map((r) => s[r] * affine[r * 4 + 3] + 0) as Vec3;
  return { axes, origin };
}

/** A number as it appears in messages: up to 6 significant digits. */
export function describeNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'infinity';
  if (x === -Infinity) return '−infinity';
  return String(+x.toPrecision(6));
}

/** A number as a header writes it: the shortest text that reads back to the same float64. */
export function exactNumber(x: number): string {
  return Object.is(x, -0) ? '0' : String(x);
}

/** Refuses an affine with a non-finite entry or axes that do not span space. */
export function checkAffine(m: Mat4, fileName: string, code: WorkbenchErrorCode, what: string): void {
  for (let i = 0; i < 12; i++) {
    if (!Number.isFinite(m[i])) throw new WorkbenchError(code, `${fileName} has ${what} holding ${describeNumber(m[i])}; expected finite numbers. The header is damaged.`, { file: fileName });
  }
  const [a, b, c] = spacingFromAffine(m);
  if (!(a > 0 && b > 0 && c > 0) || Math.abs(det3(m)) / (a * b * c) < 1e-6) {
    throw new WorkbenchError(code, `${fileName} has ${what} whose three axes do not span space (a voxel of zero volume); expected three independent axes. The header is damaged.`, { file: fileName });
  }
}

/**
 * (nx, ny, nz) of a file whose axes are `sizes` (the first three spatial, any more must be 1): refuses
 * several volumes and 2-D images with the same sentences as the NIfTI reader.
 */
export function scanDims(sizes: number[], fileName: string, code: WorkbenchErrorCode): Vec3 {
  if (sizes.some((d) => !(d >= 1) || !Number.isInteger(d))) {
    throw new WorkbenchError(code, `${fileName} has invalid sizes ${formatDims(sizes)}; each must be a whole number ≥ 1.`, { file: fileName });
  }
  const [nx, ny = 1, nz = 1] = sizes;
  const extra = sizes.slice(3).reduce((x, y) => x * y, 1);
  if (extra > 1) {
    throw new WorkbenchError('bad-dimensions', `${fileName} is ${sizes.length}-D (${formatDims(sizes)}) with ${extra} volumes; the workbench needs a single 3-D scan. Extract one volume first.`, { file: fileName });
  }
  const flat = [nx, ny, nz].filter((d) => d === 1).length;
  if (flat > 0) {
    throw new WorkbenchError('bad-dimensions', `${fileName} is ${formatDims([nx, ny, nz])}: a ${flat === 1 ? 'single 2-D slice' : 'line or point'}, not a 3-D scan. Load the whole series or volume.`, { file: fileName });
  }
  return [nx, ny, nz];
}

/** The last part of a path ("sub/ct.raw" → "ct.raw"), for matching a header's data file to a dropped file. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Bytes after skipping `lines` lines (NRRD's "line skip"); undefined when the data has fewer lines. */
export function skipLines(bytes: Uint8Array, lines: number): Uint8Array | undefined {
  let at = 0;
  for (let n = 0; n < lines; n++) {
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0) return undefined;
    at = nl + 1;
  }
  return bytes.subarray(at);
}

/**
 * The voxels of a text-header format (NRRD, MetaImage) from its data bytes, as text or binary, with the
 * sentences both formats give for bad numbers and short data. `fail` makes the format's own error.
 */
export function voxelsFromData(
  b: Uint8Array,
  t: NiftiDatatype,
  count: number,
  o: { text: boolean; little: boolean; decompressed: boolean; name: string; fail: (fileName: string, message: string) => Error },
): VoxelArray {
  const need = count * t.bytes;
  if (o.text) {
    const r = parseTextVoxels(b, t, count);
    if (r.bad !== undefined) throw o.fail(o.name, `holds "${r.bad.slice(0, 20)}" among its text voxels; expected numbers.`);
    if (r.read < count) throw o.fail(o.name, `is truncated: the header promises ${count.toLocaleString('en-US')} voxels as text but only ${r.read.toLocaleString('en-US')} numbers follow.`);
    return r.data;
  }
  if (b.length < need) {
    throw o.fail(o.name, `is truncated: the header promises ${count.toLocaleString('en-US')} ${t.name} voxels (${need.toLocaleString('en-US')} bytes${o.decompressed ? ' after decompression' : ''}) but only ${b.length.toLocaleString('en-US')} bytes follow. The file was probably cut short; fetch it again.`);
  }
  return decodeVoxels(b, t, count, o.little);
}

/** A warning for voxel sizes outside 0.01–100 mm (wrong units or a damaged header), as for NIfTI. */
export function checkPlausibleSpacing(spacing: Vec3, fileName: string, warnings: string[]): void {
  if (spacing.some((s) => s < 0.01 || s > 100)) {
    warnings.push(`${fileName} has voxels of ${spacing.map((s) => describeNumber(s)).join(' × ')} mm; a size outside 0.01–100 mm usually means wrong units or a damaged header.`);
  }
}
