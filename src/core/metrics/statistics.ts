/**
 * Per-organ statistics of a label map: size, intensity of its image, and position in world millimetres.
 *
 * Layout: `labels[i + nx*(j + ny*k)]` is voxel (i, j, k) (NDHWC `[1, nz, ny, nx, 1]`); `image` holds the
 * real values (HU for CT) in the same layout on the same grid. `affine` is 16 numbers, row-major, voxel
 * index (i, j, k, 1) → world (x, y, z, 1) in mm, RAS+ (+x the patient's right, +y anterior, +z superior),
 * a `Volume`'s affine; so every position here is RAS+ mm.
 *
 * Definitions:
 * - `volumeMl` = voxels × |det| of the affine's 3×3 part (the voxel volume, also for a sheared grid) / 1000.
 * - `sdHu` is the population standard deviation over the organ's voxels (divide by N, not N − 1: the
 *   organ's voxels are all of it, not a sample).
 * - `centroidMm` is the mean of the voxel centres' world positions (the affine of the mean index).
 * - `bboxMm` spans voxel **edges**: the smallest box with faces along the world (RAS) axes that contains
 *   every voxel of the organ as the parallelepiped the affine makes of it (index ± ½ along each axis).
 *   On a grid aligned with the world axes its size along an axis is (number of voxels spanned) × spacing;
 *   a single voxel gives a box of one voxel's size, not a point.
 */
import { det3 } from '../data/affine';

type Vec3 = [number, number, number];

export interface OrganStatistics {
  label: number;
  name: string;
  voxels: number;
  volumeMl: number;
  meanHu: number;
  sdHu: number;
  minHu: number;
  maxHu: number;
  centroidMm: [number, number, number];
  bboxMm: { min: [number, number, number]; max: [number, number, number] };
}

/** Real value = stored × slope + inter, when `image` holds stored values (a `Volume`'s `data` and `scale`). */
export interface StatisticsOptions {
  scale?: { slope: number; inter: number };
}

/** Running sums for one label, in float64. Intensities are summed relative to the first one seen (`shift`) to keep the variance exact. */
interface Acc {
  n: number;
  shift: number;
  s1: number;
  s2: number;
  min: number;
  max: number;
  /** Σ i, Σ j, Σ k. */
  si: number;
  sj: number;
  sk: number;
  /** min and max of each world coordinate of the voxel centres. */
  lo: Vec3;
  hi: Vec3;
}

function newAcc(): Acc {
  return { n: 0, shift: NaN, s1: 0, s2: 0, min: Infinity, max: -Infinity, si: 0, sj: 0, sk: 0, lo: [Infinity, Infinity, Infinity], hi: [-Infinity, -Infinity, -Infinity] };
}

function checkInputs(labels: ArrayLike<number>, image: ArrayLike<number> | undefined, dims: Vec3, affine: ArrayLike<number>): void {
  const n = dims[0] * dims[1] * dims[2];
  if (labels.length !== n) throw new Error(`organStatistics: the label map has ${labels.length} voxels but dims ${dims.join('×')} hold ${n}`);
  if (image && image.length !== n) throw new Error(`organStatistics: the image has ${image.length} voxels but the label map ${n}; they must share a grid`);
  if (affine.length < 12) throw new Error(`organStatistics: the affine has ${affine.length} numbers; expected 16 (row-major 4×4)`);
}

/** One pass over the voxels: the sums of every label present (background 0 and non-integers skipped). */
function accumulate(labels: ArrayLike<number>, image: ArrayLike<number> | undefined, dims: Vec3, m: ArrayLike<number>, scale: { slope: number; inter: number }): Map<number, Acc> {
  const [nx, ny, nz] = dims;
  const accs = new Map<number, Acc>();
  const { slope, inter } = scale;
  let at = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, at++) {
        const l = labels[at];
        if (l === 0 || !Number.isInteger(l)) continue;
        let a = accs.get(l);
        if (!a) accs.set(l, (a = newAcc()));
        a.n++;
        a.si += i;
        a.sj += j;
        a.sk += k;
        for (let r = 0; r < 3; r++) {
          const w = m[r * 4] * i + m[r * 4 + 1] * j + m[r * 4 + 2] * k + m[r * 4 + 3];
          if (w < a.lo[r]) a.lo[r] = w;
          if (w > a.hi[r]) a.hi[r] = w;
        }
        if (image) {
          const v = image[at] * slope + inter;
          if (a.n === 1) a.shift = v;
          const d = v - a.shift;
          a.s1 += d;
          a.s2 += d * d;
          if (v < a.min) a.min = v;
          if (v > a.max) a.max = v;
        }
      }
    }
  }
  return accs;
}

function row(label: number, a: Acc, name: string, m: ArrayLike<number>, voxelMl: number, hasImage: boolean): OrganStatistics {
  const mean = a.s1 / a.n;
  const variance = Math.max(0, a.s2 / a.n - mean * mean);
  const ci = a.si / a.n;
  const cj = a.sj / a.n;
  const ck = a.sk / a.n;
  const centroid = [0, 1, 2].map((r) => m[r * 4] * ci + m[r * 4 + 1] * cj + m[r * 4 + 2] * ck + m[r * 4 + 3]) as Vec3;
  // Half a voxel's extent along world axis r: ½ (|m_r0| + |m_r1| + |m_r2|).
  const half = [0, 1, 2].map((r) => 0.5 * (Math.abs(m[r * 4]) + Math.abs(m[r * 4 + 1]) + Math.abs(m[r * 4 + 2]))) as Vec3;
  return {
    label,
    name,
    voxels: a.n,
    volumeMl: a.n * voxelMl,
    meanHu: hasImage ? a.shift + mean : NaN,
    sdHu: hasImage ? Math.sqrt(variance) : NaN,
    minHu: hasImage ? a.min : NaN,
    maxHu: hasImage ? a.max : NaN,
    centroidMm: centroid,
    bboxMm: { min: [0, 1, 2].map((r) => a.lo[r] - half[r]) as Vec3, max: [0, 1, 2].map((r) => a.hi[r] + half[r]) as Vec3 },
  };
}

/**
 * One row per label present in `labels` (ascending; background 0 excluded), named from `names`
 * (`label N` when absent). HU fields are NaN when `image` is undefined. `image` holds real values, or
 * stored values with `opts.scale`. Throws when the arrays do not match `dims`.
 */
export function organStatistics(
  labels: ArrayLike<number>,
  image: ArrayLike<number> | undefined,
  dims: [number, number, number],
  /** 16 numbers, row-major, voxel → RAS mm (a `number[]`, or a `Volume`'s Float64Array). */
  affine: number[] | ArrayLike<number>,
  names: Record<number, string>,
  opts: StatisticsOptions = {},
): OrganStatistics[] {
  checkInputs(labels, image, dims, affine);
  const accs = accumulate(labels, image, dims, affine, opts.scale ?? { slope: 1, inter: 0 });
  const voxelMl = Math.abs(det3(affine)) / 1000;
  return [...accs.keys()].sort((a, b) => a - b).map((l) => row(l, accs.get(l)!, names[l] ?? `label ${l}`, affine, voxelMl, image !== undefined));
}

// ---- Downloads ----

const CSV_COLUMNS = [
  'label', 'name', 'voxels', 'volume_ml', 'mean_hu', 'sd_hu', 'min_hu', 'max_hu',
  'centroid_x_mm', 'centroid_y_mm', 'centroid_z_mm',
  'bbox_min_x_mm', 'bbox_min_y_mm', 'bbox_min_z_mm', 'bbox_max_x_mm', 'bbox_max_y_mm', 'bbox_max_z_mm',
] as const;

/** A number as CSV text: up to 6 decimals, trailing zeros dropped; NaN (no image) as an empty cell. */
function num(x: number): string {
  return Number.isFinite(x) ? String(+x.toFixed(6)) : '';
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The rows as CSV (RFC 4180, CRLF line ends, a header line): label, name, voxels, volume_ml, mean/sd/min/max
 * HU, centroid x/y/z and bounding box min/max x/y/z in RAS mm. HU cells are empty when there was no image.
 */
export function statisticsCsv(rows: OrganStatistics[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const cells = [
      String(r.label), csvField(r.name), String(r.voxels), num(r.volumeMl),
      num(r.meanHu), num(r.sdHu), num(r.minHu), num(r.maxHu),
      ...r.centroidMm.map(num), ...r.bboxMm.min.map(num), ...r.bboxMm.max.map(num),
    ];
    lines.push(cells.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** One organ in `statisticsJson`: TotalSegmentator's two keys, then ours. */
export interface OrganStatisticsJson {
  /** TotalSegmentator's `volume`: mm³. */
  volume: number;
  /** TotalSegmentator's `intensity`: the mean HU (null without an image). */
  intensity: number | null;
  label: number;
  voxels: number;
  volumeMl: number;
  meanHu: number | null;
  sdHu: number | null;
  minHu: number | null;
  maxHu: number | null;
  centroidMm: [number, number, number];
  bboxMm: { min: [number, number, number]; max: [number, number, number] };
}

const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The rows as JSON in the shape of TotalSegmentator's `--statistics` (`statistics.json`): an object keyed
 * by organ name, each with `volume` (mm³, as TotalSegmentator writes it) and `intensity` (mean HU), plus
 * this workbench's fields (`label`, `voxels`, `volumeMl`, `meanHu`, `sdHu`, `minHu`, `maxHu`, `centroidMm`,
 * `bboxMm`). Missing HU values are null. Two labels with one name get " (label N)" after the second.
 */
export function statisticsJson(rows: OrganStatistics[]): string {
  const out: Record<string, OrganStatisticsJson> = {};
  for (const r of rows) {
    const key = r.name in out ? `${r.name} (label ${r.label})` : r.name;
    out[key] = {
      volume: r.volumeMl * 1000,
      intensity: orNull(r.meanHu),
      label: r.label,
      voxels: r.voxels,
      volumeMl: r.volumeMl,
      meanHu: orNull(r.meanHu),
      sdHu: orNull(r.sdHu),
      minHu: orNull(r.minHu),
      maxHu: orNull(r.maxHu),
      centroidMm: [...r.centroidMm],
      bboxMm: { min: [...r.bboxMm.min], max: [...r.bboxMm.max] },
    };
  }
  return JSON.stringify(out, null, 2) + '\n';
}
