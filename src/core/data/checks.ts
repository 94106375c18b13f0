/** Checks on loaded volumes whose failures users must read: label grids, label values, device size. */
import type { DeviceLimits } from '../backend/device';
import { WorkbenchError } from '../errors';
import { applyAffine } from './affine';
import { formatDims, sameGrid, voxelCount, type Volume } from './volume';

const fmt = (x: number) => (Math.abs(x) < 0.05 ? '0.0' : x.toFixed(1));
const point = (p: number[]) => `(${p.map(fmt).join(', ')})`;

/**
 * Throws `label-grid-mismatch` unless `label` has the image's dims and voxel→world affine
 * (within 0.01 mm), e.g. "labels.nii.gz is 512×512×20 but the image is 122×101×112; a label map must match its image".
 */
export function checkLabelMatchesImage(label: Volume, image: Volume): void {
  const dimsMatch = label.dims.every((d, a) => d === image.dims[a]);
  if (!dimsMatch) {
    throw new WorkbenchError(
      'label-grid-mismatch',
      `${label.name} is ${formatDims(label.dims)} but the image is ${formatDims(image.dims)}; a label map must match its image.`,
      { file: label.name },
    );
  }
  if (!sameGrid(label, image, 1e-2)) {
    const [nx, ny, nz] = image.dims;
    const corner = (v: Volume) => point(applyAffine(v.affine, 0, 0, 0));
    const far = (v: Volume) => point(applyAffine(v.affine, nx - 1, ny - 1, nz - 1));
    throw new WorkbenchError(
      'label-grid-mismatch',
      `${label.name} has the image's size (${formatDims(image.dims)}) but lies elsewhere in space: its voxel corners are at ${corner(label)} and ${far(label)} mm, the image's at ${corner(image)} and ${far(image)} mm; a label map must match its image.`,
      { file: label.name },
    );
  }
}

/**
 * Class numbers of a label map (after `scale`) as Uint8Array when all are ≤ 255, else Int32Array.
 * Throws `bad-labels` naming the first voxel that is not a whole number ≥ 0.
 */
export function labelArray(v: Volume): Uint8Array | Int32Array {
  const { slope, inter } = v.scale;
  const d = v.data;
  const n = d.length;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const x = d[i] * slope + inter;
    if (!(x >= 0) || x !== Math.floor(x) || x > 2147483647) {
      const [nx, ny] = v.dims;
      const at = `(${i % nx}, ${Math.floor(i / nx) % ny}, ${Math.floor(i / (nx * ny))})`;
      throw new WorkbenchError(
        'bad-labels',
        `${v.name} holds ${x} at voxel ${at}; a label map must hold whole class numbers 0, 1, 2, … (is this an image rather than labels?).`,
        { file: v.name },
      );
    }
    if (x > max) max = x;
  }
  const out = max <= 255 ? new Uint8Array(n) : new Int32Array(n);
  if (slope === 1 && inter === 0) out.set(d);
  else for (let i = 0; i < n; i++) out[i] = d[i] * slope + inter;
  return out;
}

/**
 * The largest class number a label map may hold. Colour tables and NiiVue's label lookup are built
 * for every index up to the largest, so a map holding 2^31 would stall the page; 65535 covers every
 * atlas in use (FreeSurfer's largest is 14175).
 */
export const MAX_LABEL_VALUE = 65535;

function voxelAt(v: Volume, i: number): string {
  const [nx, ny] = v.dims;
  return `(${i % nx}, ${Math.floor(i / nx) % ny}, ${Math.floor(i / (nx * ny))})`;
}

/**
 * Throws `bad-labels` unless every value of `v` (after scale) is a whole number from 0 to
 * `maxValue`, naming the first voxel that is not: a label map holding −1, 2.5, NaN or 10^9 is
 * refused rather than shown as a label named "-1".
 */
export function checkLabelValues(v: Volume, maxValue = MAX_LABEL_VALUE): void {
  const { slope, inter } = v.scale;
  const d = v.data;
  for (let i = 0; i < d.length; i++) {
    const x = d[i] * slope + inter;
    if (x >= 0 && x <= maxValue && x === Math.floor(x)) continue;
    throw new WorkbenchError(
      'bad-labels',
      `${v.name} holds ${x} at voxel ${voxelAt(v, i)}; a label map must hold whole class numbers from 0 (background) to ${maxValue}. Is this an image rather than labels? Load it as an image, or fix the label map.`,
      { file: v.name },
    );
  }
}

/** The unit of every size in the workbench's messages: 1 MB = 10⁶ bytes. */
export const MB = 1e6;

/** Bytes as the messages write them: "5.5 MB". */
export const formatMB = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;

/**
 * The one device-fit check. Throws `too-large` when `bytes` exceed the largest buffer the device can bind
 * (min of maxStorageBufferBindingSize and maxBufferSize); `say(need, allowed)` words the message from the
 * two sizes as "5.5 MB"-style text.
 */
export function checkBufferFits(bytes: number, limits: DeviceLimits, say: (need: string, allowed: string) => string, file?: string): void {
  const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  if (bytes > limit) throw new WorkbenchError('too-large', say(formatMB(bytes), formatMB(limit)), file === undefined ? undefined : { file });
}

/**
 * Throws `too-large` when the float32 working copy of `v` (4 bytes a voxel, NDHWC `[1, nz, ny, nx, 1]`)
 * does not fit in one device buffer (`checkBufferFits`).
 */
export function checkFitsDevice(v: Pick<Volume, 'name' | 'dims'>, limits: DeviceLimits): void {
  checkBufferFits(
    voxelCount(v) * 4,
    limits,
    (need, allowed) => `${v.name} is ${formatDims(v.dims)} voxels: its float32 working copy needs ${need} but this GPU allows at most ${allowed} in one buffer. Crop the scan or resample it to coarser spacing.`,
    v.name,
  );
}
