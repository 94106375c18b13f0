import { describe, expect, it } from 'vitest';
import { readNifti } from '../data/nifti-read';
import { labelArray } from '../data/checks';
import { repoFile } from '../data/testing/repo-files';
import { organStatistics, statisticsCsv, statisticsJson, type OrganStatistics } from './statistics';
import { volumesMl } from './volumes';

type V3 = [number, number, number];

/** Rotation by `deg` about z, then about x by `degX`, times diag(spacing), plus an offset: an oblique grid. */
function obliqueAffine(spacing: V3, offset: V3, deg: number, degX: number): number[] {
  const c = Math.cos((deg * Math.PI) / 180);
  const s = Math.sin((deg * Math.PI) / 180);
  const cx = Math.cos((degX * Math.PI) / 180);
  const sx = Math.sin((degX * Math.PI) / 180);
  const rz = [[c, -s, 0], [s, c, 0], [0, 0, 1]];
  const rx = [[1, 0, 0], [0, cx, -sx], [0, sx, cx]];
  const r = rx.map((row) => [0, 1, 2].map((col) => row[0] * rz[0][col] + row[1] * rz[1][col] + row[2] * rz[2][col]));
  const m: number[] = [];
  for (let row = 0; row < 3; row++) m.push(...[0, 1, 2].map((col) => r[row][col] * spacing[col]), offset[row]);
  return [...m, 0, 0, 0, 1];
}

function world(m: number[], p: V3): V3 {
  return [0, 1, 2].map((r) => m[r * 4] * p[0] + m[r * 4 + 1] * p[1] + m[r * 4 + 2] * p[2] + m[r * 4 + 3]) as V3;
}

const dims: V3 = [8, 6, 9];
const at = (i: number, j: number, k: number) => i + dims[0] * (j + dims[1] * k);
/** Label 1: the box i 2..5, j 1..3, k 3..6 (4×3×4 = 48 voxels); label 7: the one voxel (7, 5, 0). */
function boxVolume(): { labels: Uint8Array; image: Float32Array } {
  const labels = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const image = new Float32Array(labels.length).fill(-1000);
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++) {
        // An HU ramp along i (and a little along k) everywhere, so the box's values depend on where it is.
        image[at(i, j, k)] = 10 * i + 2 * k + 40;
        if (i >= 2 && i <= 5 && j >= 1 && j <= 3 && k >= 3 && k <= 6) labels[at(i, j, k)] = 1;
      }
    }
  }
  labels[at(7, 5, 0)] = 7;
  image[at(7, 5, 0)] = 333;
  return { labels, image };
}

/** Population variance of n consecutive integers: (n² − 1) / 12. */
const varConsecutive = (n: number) => (n * n - 1) / 12;

describe('organStatistics', () => {
  const spacing: V3 = [0.8, 1.5, 2.5];
  const affine = obliqueAffine(spacing, [-100, 40, 250], 30, -20);
  const { labels, image } = boxVolume();
  const rows = organStatistics(labels, image, dims, affine, { 1: 'liver' });

  it('one row per label present, ascending, background excluded, unnamed labels named "label N"', () => {
    expect(rows.map((r) => [r.label, r.name])).toEqual([[1, 'liver'], [7, 'label 7']]);
  });

  it('voxels and volume: count × the voxel volume (product of the spacings; rotations keep volume)', () => {
    expect(rows[0].voxels).toBe(48);
    expect(rows[0].volumeMl).toBeCloseTo((48 * spacing[0] * spacing[1] * spacing[2]) / 1000, 12);
    expect(rows[1].voxels).toBe(1);
  });

  it('HU: mean and SD of the ramp by formula, min and max at the box corners', () => {
    // v = 10 i + 2 k + 40 with i ∈ 2..5 and k ∈ 3..6 independent and uniform over the box.
    const mean = 10 * 3.5 + 2 * 4.5 + 40;
    const sd = Math.sqrt(100 * varConsecutive(4) + 4 * varConsecutive(4));
    expect(rows[0].meanHu).toBeCloseTo(mean, 5);
    expect(rows[0].sdHu).toBeCloseTo(sd, 5);
    expect(rows[0].minHu).toBe(10 * 2 + 2 * 3 + 40);
    expect(rows[0].maxHu).toBe(10 * 5 + 2 * 6 + 40);
    expect([rows[1].meanHu, rows[1].sdHu, rows[1].minHu, rows[1].maxHu]).toEqual([333, 0, 333, 333]);
  });

  it('centroid: the world position of the box centre in index space', () => {
    const c = world(affine, [3.5, 2, 4.5]);
    rows[0].centroidMm.forEach((x, r) => expect(x).toBeCloseTo(c[r], 9));
    world(affine, [7, 5, 0]).forEach((x, r) => expect(rows[1].centroidMm[r]).toBeCloseTo(x, 9));
  });

  it('bounding box spans voxel edges: the RAS-aligned box around the 8 corners of the organ\'s outer faces', () => {
    // The union of the box's voxels is the parallelepiped with index corners (1.5, 0.5, 2.5) and (5.5, 3.5, 6.5).
    const corners: V3[] = [];
    for (const i of [1.5, 5.5]) for (const j of [0.5, 3.5]) for (const k of [2.5, 6.5]) corners.push(world(affine, [i, j, k]));
    for (let r = 0; r < 3; r++) {
      expect(rows[0].bboxMm.min[r]).toBeCloseTo(Math.min(...corners.map((p) => p[r])), 9);
      expect(rows[0].bboxMm.max[r]).toBeCloseTo(Math.max(...corners.map((p) => p[r])), 9);
    }
  });

  it('on an axis-aligned grid the box is (voxels spanned) × spacing and a single voxel has its own size', () => {
    const m = [2, 0, 0, 10, 0, 3, 0, 20, 0, 0, 4, 30, 0, 0, 0, 1];
    const [box, one] = organStatistics(labels, undefined, dims, m, {});
    expect(box.bboxMm.min).toEqual([10 + 2 * 1.5, 20 + 3 * 0.5, 30 + 4 * 2.5]);
    expect(box.bboxMm.max.map((x, r) => x - box.bboxMm.min[r])).toEqual([4 * 2, 3 * 3, 4 * 4]);
    expect(one.bboxMm.max.map((x, r) => x - one.bboxMm.min[r])).toEqual([2, 3, 4]);
  });

  it('a flipped axis (negative column, as in LPS-derived grids) keeps min < max and the centroid exact', () => {
    const m = [-2, 0, 0, 10, 0, -3, 0, 20, 0, 0, 4, 30, 0, 0, 0, 1];
    const [box] = organStatistics(labels, image, dims, m, {});
    expect(box.bboxMm.min[0]).toBeCloseTo(10 - 2 * 5.5, 12);
    expect(box.bboxMm.max[0]).toBeCloseTo(10 - 2 * 1.5, 12);
    expect(box.centroidMm).toEqual([10 - 2 * 3.5, 20 - 3 * 2, 30 + 4 * 4.5]);
    expect(box.volumeMl).toBeCloseTo((48 * 24) / 1000, 12);
  });

  it('HU fields are NaN without an image; stored values with a scale give HU', () => {
    const [noImage] = organStatistics(labels, undefined, dims, affine, {});
    expect([noImage.meanHu, noImage.sdHu, noImage.minHu, noImage.maxHu].every(Number.isNaN)).toBe(true);
    expect(noImage.voxels).toBe(48);
    // stored = (HU + 1024) / 2, i.e. HU = 2 · stored − 1024; a negative slope flips min and max.
    const stored = Float32Array.from(image, (v) => (v + 1024) / 2);
    const [scaled] = organStatistics(labels, stored, dims, affine, {}, { scale: { slope: 2, inter: -1024 } });
    expect(scaled.meanHu).toBeCloseTo(rows[0].meanHu, 4);
    expect(scaled.sdHu).toBeCloseTo(rows[0].sdHu, 4);
    const [neg] = organStatistics(labels, Float32Array.from(image, (v) => -v), dims, affine, {}, { scale: { slope: -1, inter: 0 } });
    expect([neg.minHu, neg.maxHu]).toEqual([rows[0].minHu, rows[0].maxHu]);
  });

  it('SD stays exact for values far from zero (no cancellation in Σx² − n·mean²)', () => {
    const big = Float64Array.from(image, (v) => v + 1e9);
    const [r] = organStatistics(labels, big, dims, affine, {});
    expect(r.sdHu).toBeCloseTo(rows[0].sdHu, 6);
    expect(r.meanHu - 1e9).toBeCloseTo(rows[0].meanHu, 4);
  });

  it('refuses arrays that do not match the grid', () => {
    expect(() => organStatistics(labels, image.subarray(1), dims, affine, {})).toThrow(/share a grid/);
    expect(() => organStatistics(labels.subarray(1), undefined, dims, affine, {})).toThrow(/hold 432/);
  });

  it('patient A: kidney volumes agree with volumesMl, and organ HU lies in soft tissue', () => {
    const ct = readNifti(repoFile('public/demo/ct.nii.gz'), 'ct');
    const seg = readNifti(repoFile('public/demo/labels-organs4.nii.gz'), 'labels');
    const l = labelArray(seg);
    const st = organStatistics(l, ct.data, seg.dims, Array.from(seg.affine), { 4: 'liver' }, { scale: ct.scale });
    const ml = volumesMl(l, seg.spacing);
    for (const r of st) expect(r.volumeMl).toBeCloseTo(ml.get(r.label)!, 9);
    const liver = st.find((r) => r.label === 4)!;
    expect(liver.name).toBe('liver');
    // A liver without contrast is ≈ 40–70 HU; its voxels' range includes partial-volume edge voxels.
    expect(liver.meanHu).toBeGreaterThan(20);
    expect(liver.meanHu).toBeLessThan(90);
    expect(liver.minHu).toBeLessThan(liver.meanHu);
    for (let r = 0; r < 3; r++) {
      expect(liver.centroidMm[r]).toBeGreaterThan(liver.bboxMm.min[r]);
      expect(liver.centroidMm[r]).toBeLessThan(liver.bboxMm.max[r]);
    }
    // RAS+: +x is the patient's right, where the liver is; the spleen (label 1) is on the left.
    const spleen = st.find((r) => r.label === 1)!;
    expect(liver.centroidMm[0]).toBeGreaterThan(spleen.centroidMm[0] + 100);
  });
});

describe('statisticsCsv / statisticsJson', () => {
  const rows: OrganStatistics[] = [
    { label: 1, name: 'liver', voxels: 10, volumeMl: 0.27, meanHu: 55.5, sdHu: 3.25, minHu: 40, maxHu: 70, centroidMm: [1, -2, 3.5], bboxMm: { min: [-1, -3, 0], max: [3, 0, 7] } },
    { label: 2, name: 'kidney, "left"', voxels: 2, volumeMl: 0.054, meanHu: NaN, sdHu: NaN, minHu: NaN, maxHu: NaN, centroidMm: [0, 0, 0], bboxMm: { min: [0, 0, 0], max: [1, 1, 1] } },
    { label: 3, name: 'liver', voxels: 1, volumeMl: 0.027, meanHu: 1, sdHu: 0, minHu: 1, maxHu: 1, centroidMm: [0, 0, 0], bboxMm: { min: [0, 0, 0], max: [1, 1, 1] } },
  ];

  it('CSV: a header, one line per organ, names quoted when they need it, NaN as an empty cell', () => {
    const lines = statisticsCsv(rows).split('\r\n');
    expect(lines[0].split(',')).toHaveLength(17);
    expect(lines[0].startsWith('label,name,voxels,volume_ml,mean_hu,sd_hu,min_hu,max_hu,centroid_x_mm')).toBe(true);
    expect(lines[1]).toBe('1,liver,10,0.27,55.5,3.25,40,70,1,-2,3.5,-1,-3,0,3,0,7');
    expect(lines[2].startsWith('2,"kidney, ""left""",2,0.054,,,,,')).toBe(true);
    expect(lines.at(-1)).toBe('');
  });

  it('JSON: keyed by organ name with TotalSegmentator\'s volume (mm³) and intensity (mean HU), then ours', () => {
    const j = JSON.parse(statisticsJson(rows));
    expect(Object.keys(j)).toEqual(['liver', 'kidney, "left"', 'liver (label 3)']);
    expect(j.liver.volume).toBeCloseTo(270, 9);
    expect(j.liver.intensity).toBe(55.5);
    expect(j.liver.sdHu).toBe(3.25);
    expect(j.liver.bboxMm).toEqual({ min: [-1, -3, 0], max: [3, 0, 7] });
    expect(j['kidney, "left"'].intensity).toBeNull();
    expect(j['liver (label 3)'].label).toBe(3);
  });
});
