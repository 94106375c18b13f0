/**
 * A DICOM series (one file per slice) → one `Volume`: slices sorted along the slice normal,
 * affine from ImagePositionPatient / ImageOrientationPatient / PixelSpacing (LPS → RAS),
 * RescaleSlope / RescaleIntercept in `scale`.
 */
import { WorkbenchError } from '../errors';
import { dicomSourceOf } from './dicom-source';
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

function names(slices: { name: string }[], max = 3): string {
  return slices.slice(0, max).map((x) => x.name).join(', ') + (slices.length > max ? `, … (${slices.length} in all)` : '');
}

/**
 * The series with the most image files (a folder often also holds a scout or a report). Slices of one
 * series UID with another orientation or image size (a localizer, a reformat) count as another series.
 */
function pickSeries(slices: DicomSlice[]): { chosen: DicomSlice[]; left: DicomSlice[]; groups: number } {
  const groups = new Map<string, DicomSlice[]>();
  for (const s of slices) {
    const key = `${s.seriesUid}|${s.orientation.map((x) => x.toFixed(3)).join(',')}|${s.rows}x${s.cols}`;
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  const sorted = [...groups.values()].sort((a, b) => b.length - a.length);
  const chosen = sorted[0];
  return { chosen, left: sorted.slice(1).flat(), groups: sorted.length - 1 };
}

function checkConsistent(slices: DicomSlice[]): void {
  const f = slices[0];
  for (const s of slices) {
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

function refuseMultiFrame(slices: DicomSlice[]): void {
  const m = slices.find((s) => s.frames > 1);
  if (m) throw badSeries(`${m.name} is a multi-frame DICOM image (${m.frames} frames); the workbench reads series of single-frame files. Convert it to NIfTI (e.g. with dcm2niix) and load that.`, m.name);
}

/**
 * Sorts along the normal and checks that slices are distinct and evenly spaced. The same image twice
 * (same SOPInstanceUID at the same position) is read once, with a warning; two different images at
 * one position are refused.
 */
function sortSlices(slices: DicomSlice[], normal: Vec3, warnings: string[]): DicomSlice[] {
  const all = slices
    .map((s) => ({ s, d: dot(s.position, normal) }))
    .sort((a, b) => a.d - b.d);
  const sorted = [all[0]];
  const copies: string[] = [];
  for (let k = 1; k < all.length; k++) {
    const prev = sorted[sorted.length - 1];
    if (all[k].d - prev.d < 1e-3) {
      if (all[k].s.instanceUid && all[k].s.instanceUid === prev.s.instanceUid) {
        copies.push(`${all[k].s.name} (= ${prev.s.name})`);
        continue;
      }
      throw badSeries(`${prev.s.name} and ${all[k].s.name} are at the same position (${all[k].d.toFixed(3)} mm along the slice normal) but are different images; expected one image per position. The files may hold more than one acquisition: load one series at a time.`);
    }
    sorted.push(all[k]);
  }
  if (copies.length) warnings.push(`${copies.length} file${copies.length === 1 ? ' is a copy' : 's are copies'} of another image in the series (same SOPInstanceUID) and ${copies.length === 1 ? 'was' : 'were'} read once: ${copies.slice(0, 3).join(', ')}${copies.length > 3 ? ', …' : ''}.`);
  if (sorted.length < 2) {
    const f = sorted[0].s;
    throw new WorkbenchError('bad-dimensions', `${f.name} is a single ${f.cols}×${f.rows} DICOM slice (the other files are copies of it), not a 3-D scan; load all the files of the series together.`, { file: f.name });
  }
  const gaps = sorted.slice(1).map((x, k) => x.d - sorted[k].d);
  const typical = [...gaps].sort((a, b) => a - b)[gaps.length >> 1];
  let worst = 0;
  for (let k = 1; k < gaps.length; k++) if (Math.abs(gaps[k] - typical) > Math.abs(gaps[worst] - typical)) worst = k;
  if (Math.abs(gaps[worst] - typical) > Math.max(0.01, 0.05 * typical)) {
    throw badSeries(`The slices are not evenly spaced: ${sorted[worst].s.name} and ${sorted[worst + 1].s.name} are ${gaps[worst].toFixed(3)} mm apart but most slices are ${typical.toFixed(3)} mm apart (a slice may be missing); expected one slice every ${typical.toFixed(3)} mm. Load the complete series.`);
  }
  return sorted.map((x) => x.s);
}

/** Slices stacked off the normal (gantry tilt): the sheared geometry is kept, with a warning. */
function checkTilt(sorted: DicomSlice[], normal: Vec3, warnings: string[]): void {
  const f = sorted[0].position;
  const l = sorted[sorted.length - 1].position;
  const step: Vec3 = [l[0] - f[0], l[1] - f[1], l[2] - f[2]];
  const len = Math.hypot(...step);
  if (!(len > 0)) return;
  const angle = (Math.acos(Math.min(1, Math.abs(dot(step, normal)) / len)) * 180) / Math.PI;
  if (angle > 0.5) {
    warnings.push(`The slices ${sorted[0].name} … ${sorted[sorted.length - 1].name} are stacked ${angle.toFixed(1)}° off their normal (gantry tilt); the sheared geometry was kept, so the voxels are not rectangular boxes.`);
  }
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

function parseAll(files: DicomFile[]): { slices: DicomSlice[]; noImage: DicomFile[] } {
  const slices: DicomSlice[] = [];
  const noImage: DicomFile[] = [];
  for (const file of files) {
    const s = parseDicomFile(file);
    if (s) slices.push(s);
    else noImage.push(file);
  }
  if (slices.length === 0) {
    throw badSeries(`none of the ${files.length} DICOM file${files.length === 1 ? '' : 's'} (${names(files)}) holds an image (no Pixel Data (7FE0,0010)); expected the image files of a series. A DICOMDIR or a report cannot be loaded alone.`);
  }
  return { slices, noImage };
}

/**
 * Reads a DICOM series into a `Volume` (voxel (i, j, k) = column i, row j, slice k; NDHWC
 * `[1, nz, ny, nx, 1]`). When the files hold several series, the one with the most images is
 * read and a warning says which files were left out; DICOM files without an image (DICOMDIR,
 * reports) are skipped with a warning. Works in Node and in browsers or workers (JPEG 2000
 * decoding loads OpenJPEG's WebAssembly on first use).
 * Throws `WorkbenchError` (bad-dicom, bad-dimensions) naming the file at fault.
 */
export async function readDicomSeries(files: DicomFile[]): Promise<Volume> {
  if (files.length === 0) throw new WorkbenchError('bad-argument', 'No DICOM files were given; expected the files of one series.');
  const parsed = parseAll(files);
  const { slices } = parsed;
  let { noImage } = parsed;
  const { chosen, left, groups } = pickSeries(slices);
  const f = chosen[0];
  refuseMultiFrame(chosen);
  if (chosen.length === 1) {
    const others = left.length;
    throw new WorkbenchError(
      'bad-dimensions',
      `${f.name} is a single ${f.cols}×${f.rows} DICOM slice, not a 3-D scan; load all the files of the series together (${others} other image file${others === 1 ? '' : 's'} belong to other series).`,
      { file: f.name },
    );
  }
  const warnings: string[] = [];
  // A DICOMDIR (the index of a CD or a PACS export) is expected beside a series; other image-less files are named.
  noImage = noImage.filter((x) => !/(^|[\\/])dicomdir$/i.test(x.name));
  if (noImage.length) warnings.push(`${noImage.length} DICOM file${noImage.length === 1 ? ' holds' : 's hold'} no image (e.g. a DICOMDIR or a report) and ${noImage.length === 1 ? 'was' : 'were'} skipped: ${names(noImage)}.`);
  if (left.length) {
    warnings.push(`The files hold ${groups + 1} series (or orientations or image sizes); the largest, ${f.seriesDescription?.trim() || f.name} (${chosen.length} images), was read and ${left.length} image${left.length === 1 ? '' : 's'} of the other${groups === 1 ? '' : ` ${groups}`} left out: ${names(left)}. Load one series at a time to choose another.`);
  }
  checkConsistent(chosen);
  const normal = cross(f.orientation.slice(0, 3), f.orientation.slice(3, 6));
  const sorted = sortSlices(chosen, normal, warnings);
  checkTilt(sorted, normal, warnings);
  const affine = seriesAffine(sorted);
  const { data, scale } = await assemble(sorted);
  const label = f.seriesDescription?.trim() || 'DICOM series';
  const note = left.length > 0 ? ` (${sorted.length} of ${chosen.length + left.length} images; ${left.length} from other series left out)` : '';
  return {
    name: f.seriesDescription?.trim() || f.name,
    dims: [f.cols, f.rows, sorted.length],
    spacing: spacingFromAffine(affine),
    affine,
    data,
    scale,
    description: `${label}${note}`,
    dicom: dicomSourceOf(sorted),
    ...(warnings.length ? { warnings } : {}),
  };
}
