/**
 * A DICOM series (one file per slice) → one `Volume`: slices sorted along the slice normal,
 * affine from ImagePositionPatient / ImageOrientationPatient / PixelSpacing (LPS → RAS),
 * RescaleSlope / RescaleIntercept in `scale`.
 */
import { WorkbenchError } from '../errors';
import { parseDicomFile, slicePixels, type DicomFile, type DicomSlice } from './dicom-slice';
import { spacingFromAffine, type Vec3, type Volume, type VoxelArray } from './volume';

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: ArrayLike<number>, b: ArrayLike<number>): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function badSeries(message: string, file?: string): WorkbenchError {
  return new WorkbenchError('bad-dicom', message, { file });
}

/** The series with the most image files (a folder often also holds a scout or a report). */
function pickSeries(slices: DicomSlice[]): { chosen: DicomSlice[]; others: number } {
  const groups = new Map<string, DicomSlice[]>();
  for (const s of slices) {
    const key = `${s.seriesUid}|${s.orientation.map((x) => x.toFixed(3)).join(',')}|${s.rows}x${s.cols}`;
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  const chosen = [...groups.values()].sort((a, b) => b.length - a.length)[0];
  return { chosen, others: slices.length - chosen.length };
}

function checkConsistent(slices: DicomSlice[]): void {
  const f = slices[0];
  for (const s of slices) {
    if (s.frames > 1) throw badSeries(`${s.name} is a multi-frame DICOM image (${s.frames} frames); the workbench reads series of single-frame files. Convert it to NIfTI (e.g. with dcm2niix).`, s.name);
    if (s.samplesPerPixel !== 1) throw badSeries(`${s.name} has ${s.samplesPerPixel} samples per pixel (colour); expected a grey-scale scan.`, s.name);
    if (![8, 16, 32].includes(s.bitsAllocated)) throw badSeries(`${s.name} has ${s.bitsAllocated} bits per pixel; expected 8, 16 or 32.`, s.name);
    const same =
      s.bitsAllocated === f.bitsAllocated &&
      s.signed === f.signed &&
      Math.abs(s.pixelSpacing[0] - f.pixelSpacing[0]) < 1e-4 &&
      Math.abs(s.pixelSpacing[1] - f.pixelSpacing[1]) < 1e-4;
    if (!same) {
      throw badSeries(`${s.name} does not match ${f.name} in pixel format or spacing (${s.bitsAllocated} vs ${f.bitsAllocated} bits, spacing ${s.pixelSpacing.join('\\')} vs ${f.pixelSpacing.join('\\')} mm); a series must share them.`, s.name);
    }
  }
}

/** Sorts along the normal and checks that slices are distinct and evenly spaced. */
function sortSlices(slices: DicomSlice[], normal: Vec3): DicomSlice[] {
  const sorted = slices
    .map((s) => ({ s, d: dot(s.position, normal) }))
    .sort((a, b) => a.d - b.d);
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k].d - sorted[k - 1].d < 1e-3) {
      throw badSeries(`${sorted[k - 1].s.name} and ${sorted[k].s.name} are at the same position (${sorted[k].d.toFixed(3)} mm along the slice normal); the files may hold more than one acquisition. Load one series at a time.`);
    }
  }
  const gaps = sorted.slice(1).map((x, k) => x.d - sorted[k].d);
  const typical = [...gaps].sort((a, b) => a - b)[gaps.length >> 1];
  let worst = 0;
  for (let k = 1; k < gaps.length; k++) if (Math.abs(gaps[k] - typical) > Math.abs(gaps[worst] - typical)) worst = k;
  if (Math.abs(gaps[worst] - typical) > Math.max(0.01, 0.05 * typical)) {
    throw badSeries(`the slices are not evenly spaced: ${sorted[worst].s.name} and ${sorted[worst + 1].s.name} are ${gaps[worst].toFixed(3)} mm apart but most slices are ${typical.toFixed(3)} mm apart (a slice may be missing).`);
  }
  return sorted.map((x) => x.s);
}

/** voxel (i, j, k) → RAS mm, from the sorted slices. */
function seriesAffine(sorted: DicomSlice[]): Float64Array {
  const f = sorted[0];
  const last = sorted[sorted.length - 1];
  const row = f.orientation.slice(0, 3);
  const col = f.orientation.slice(3, 6);
  const [dRow, dCol] = f.pixelSpacing; // between rows (along j), between columns (along i)
  const n = sorted.length - 1;
  const kStep = [0, 1, 2].map((a) => (last.position[a] - f.position[a]) / n);
  const lps = [0, 1, 2].map((a) => [row[a] * dCol, col[a] * dRow, kStep[a], f.position[a]]);
  const m = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    const sign = r < 2 ? -1 : 1; // LPS → RAS: negate x and y
    for (let c = 0; c < 4; c++) m[r * 4 + c] = sign * lps[r][c] + 0; // + 0 turns −0 into 0
  }
  m[15] = 1;
  return m;
}

function outputArray(f: DicomSlice, n: number): VoxelArray {
  if (f.bitsAllocated === 8) return f.signed ? new Int8Array(n) : new Uint8Array(n);
  if (f.bitsAllocated === 16) return f.signed ? new Int16Array(n) : new Uint16Array(n);
  return f.signed ? new Int32Array(n) : new Uint32Array(n);
}

async function assemble(sorted: DicomSlice[]): Promise<{ data: VoxelArray; scale: { slope: number; inter: number } }> {
  const f = sorted[0];
  const per = f.rows * f.cols;
  const uniform = sorted.every((s) => s.slope === f.slope && s.inter === f.inter);
  // Slices with their own rescale are stored as real values (float32) so one scale fits all.
  const data: VoxelArray = uniform ? outputArray(f, per * sorted.length) : new Float32Array(per * sorted.length);
  for (let k = 0; k < sorted.length; k++) {
    const s = sorted[k];
    const px = await slicePixels(s);
    const base = k * per;
    if (uniform) {
      for (let i = 0; i < per; i++) data[base + i] = px[i];
    } else {
      for (let i = 0; i < per; i++) data[base + i] = px[i] * s.slope + s.inter;
    }
  }
  return { data, scale: uniform ? { slope: f.slope, inter: f.inter } : { slope: 1, inter: 0 } };
}

function parseAll(files: DicomFile[]): DicomSlice[] {
  const slices: DicomSlice[] = [];
  for (const file of files) {
    const s = parseDicomFile(file);
    if (s) slices.push(s);
  }
  if (slices.length === 0) {
    throw badSeries(`none of the ${files.length} DICOM file${files.length === 1 ? '' : 's'} (${files.slice(0, 3).map((x) => x.name).join(', ')}${files.length > 3 ? ', …' : ''}) holds an image.`);
  }
  return slices;
}

/**
 * Reads a DICOM series into a `Volume` (voxel (i, j, k) = column i, row j, slice k; NDHWC
 * `[1, nz, ny, nx, 1]`). When the files hold several series, the one with the most images is
 * read and the description says how many files were left out. Works in Node and in browsers or
 * workers (JPEG 2000 decoding loads OpenJPEG's WebAssembly on first use).
 * Throws `WorkbenchError` (bad-dicom, bad-dimensions) naming the file at fault.
 */
export async function readDicomSeries(files: DicomFile[]): Promise<Volume> {
  if (files.length === 0) throw new WorkbenchError('bad-argument', 'No DICOM files were given; expected the files of one series.');
  const { chosen, others } = pickSeries(parseAll(files));
  const f = chosen[0];
  if (chosen.length === 1) {
    throw new WorkbenchError(
      'bad-dimensions',
      `${f.name} is a single ${f.cols}×${f.rows} DICOM slice, not a 3-D scan; load all the files of the series together (${others} other image file${others === 1 ? '' : 's'} belong to other series).`,
      { file: f.name },
    );
  }
  checkConsistent(chosen);
  const normal = cross(f.orientation.slice(0, 3), f.orientation.slice(3, 6));
  const sorted = sortSlices(chosen, normal);
  const affine = seriesAffine(sorted);
  const { data, scale } = await assemble(sorted);
  const label = f.seriesDescription?.trim() || 'DICOM series';
  const note = others > 0 ? ` (${chosen.length} of ${chosen.length + others} images; ${others} from other series left out)` : '';
  return {
    name: f.seriesDescription?.trim() || f.name,
    dims: [f.cols, f.rows, sorted.length],
    spacing: spacingFromAffine(affine),
    affine,
    data,
    scale,
    description: `${label}${note}`,
  };
}
