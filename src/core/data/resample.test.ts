import { describe, expect, it } from 'vitest';
import { applyAffine } from './affine';
import { readNifti } from './nifti-read';
import { toCanonical } from './orientation';
import { gridForSpacing, resampleToGrid, resampleToSpacing } from './resample';
import { repoFile } from './testing/repo-files';
import { realRange, realValues, type Vec3, type Volume } from './volume';

const ct = readNifti(repoFile('public/demo/ct.nii.gz'), 'ct.nii.gz');
const labels = readNifti(repoFile('public/demo/labels-organs4.nii.gz'), 'labels.nii.gz');

/** A volume whose real value is a linear function of world position: trilinear sampling reproduces it. */
function ramp(affine: number[], dims: Vec3): { v: Volume; f: (p: Vec3) => number } {
  const f = (p: Vec3) => 2 * p[0] - 3 * p[1] + 0.5 * p[2] + 7;
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  const A = Float64Array.from([...affine, 0, 0, 0, 1]);
  let n = 0;
  for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) data[n++] = f(applyAffine(A, i, j, k));
  return { v: { name: 'ramp', dims, spacing: [1, 1, 1], affine: A, data, scale: { slope: 1, inter: 0 } }, f };
}

/** Number of positions where two arrays differ (toEqual is far too slow on millions of voxels). */
function differences(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

function organMl(v: Volume): number[] {
  const ml = new Array(5).fill(0);
  const voxelMl = (v.spacing[0] * v.spacing[1] * v.spacing[2]) / 1000;
  for (const x of v.data) ml[x] += voxelMl;
  return ml;
}

describe('resampleToGrid', () => {
  it('onto its own grid: linear gives the real values, nearest the stored ones', () => {
    const lin = resampleToGrid(ct, ct, 'linear');
    expect(lin.data).toBeInstanceOf(Float32Array);
    expect(differences(lin.data, realValues(ct))).toBe(0);
    const near = resampleToGrid(labels, labels, 'nearest');
    expect(near.data).toBeInstanceOf(Uint8Array);
    expect(differences(near.data, labels.data)).toBe(0);
  });

  it('is world-space correct: a linear field is reproduced on scaled (separable) and rotated (general) grids', () => {
    const { v, f } = ramp([-1.5, 0, 0, 20, 0, 2, 0, -10, 0, 0, 2.5, 5], [12, 10, 8]);
    const c = Math.cos(0.4), s = Math.sin(0.4);
    const grids = [
      { dims: [20, 15, 10] as Vec3, affine: Float64Array.from([-0.9, 0, 0, 19, 0, 1.2, 0, -9, 0, 0, 1.6, 6, 0, 0, 0, 1]) },
      { dims: [9, 9, 9] as Vec3, affine: Float64Array.from([c, -s, 0, 9, s, c, 0, -2, 0, 0, 1, 10, 0, 0, 0, 1]) },
    ];
    for (const g of grids) {
      const r = resampleToGrid(v, g, 'linear', { fill: NaN });
      let inside = 0;
      for (let k = 0; k < g.dims[2]; k++) for (let j = 0; j < g.dims[1]; j++) for (let i = 0; i < g.dims[0]; i++) {
        const x = r.data[i + g.dims[0] * (j + g.dims[1] * k)];
        // Interior of the source only (clamped edges and fill are not linear).
        const src = applyAffine(Float64Array.from([-1 / 1.5, 0, 0, 20 / 1.5, 0, 0.5, 0, 5, 0, 0, 0.4, -2, 0, 0, 0, 1]), ...applyAffine(g.affine, i, j, k));
        if (src.some((q, a) => q < 0 || q > v.dims[a] - 1)) continue;
        inside++;
        expect(x).toBeCloseTo(f(applyAffine(g.affine, i, j, k)), 3);
      }
      expect(inside).toBeGreaterThan(100);
    }
  });

  it('follows flips: nearest onto the canonical grid of patient B equals the lossless reorientation', () => {
    const b = readNifti(repoFile('test-data/ct-abdomen-b/labels-totalseg-v2.nii.gz'), 'b-labels');
    const canon = toCanonical(b).volume;
    const r = resampleToGrid(b, canon, 'nearest');
    expect(differences(r.data, canon.data)).toBe(0);
  });

  it('fills outside the source: air for images, background for labels', () => {
    const shifted = { dims: ct.dims, affine: Float64Array.from(ct.affine) };
    shifted.affine[3] += 3 * 200; // 200 voxels to the right: entirely outside
    const lin = resampleToGrid(ct, shifted, 'linear');
    const air = realRange(ct).min;
    expect(air).toBeLessThanOrEqual(-1000);
    expect(lin.data.every((x) => x === air)).toBe(true);
    const near = resampleToGrid(labels, shifted, 'nearest');
    expect(near.data.every((x) => x === 0)).toBe(true);
  });
});

describe('resampleToSpacing', () => {
  it('keeps the field of view centred; labels 3 mm → 1.5 mm → back are unchanged', () => {
    const g = gridForSpacing(labels, [1.5, 1.5, 1.5]);
    expect(g.dims).toEqual([244, 202, 224]);
    const c0 = applyAffine(labels.affine, 60.5, 50, 55.5);
    const c1 = applyAffine(g.affine, 121.5, 100.5, 111.5);
    for (let a = 0; a < 3; a++) expect(c1[a]).toBeCloseTo(c0[a], 9);
    const fine = resampleToSpacing(labels, [1.5, 1.5, 1.5], 'nearest');
    expect(differences(resampleToGrid(fine, labels, 'nearest').data, labels.data)).toBe(0);
  });

  it('CT 3 mm → 1.5 mm → 3 mm stays close to the original (trilinear smoothing only)', () => {
    const t0 = performance.now();
    const fine = resampleToSpacing(ct, [1.5, 1.5, 1.5], 'linear');
    const ms = performance.now() - t0;
    console.log(`resampleToSpacing: patient A 122×101×112 → 1.5 mm (${fine.dims.join('×')}, ${(fine.data.length / 1e6).toFixed(1)} M voxels) trilinear in ${ms.toFixed(0)} ms`);
    const back = resampleToGrid(fine, ct, 'linear');
    const orig = realValues(ct);
    let sum = 0;
    for (let i = 0; i < orig.length; i++) sum += Math.abs(back.data[i] - orig[i]);
    const mae = sum / orig.length;
    console.log(`round trip mean |ΔHU| = ${mae.toFixed(2)}`);
    expect(mae).toBeLessThan(20);
    expect(ms).toBeLessThan(5000); // generous for a shared CI core; the figure above is the measurement
  });

  it('organ volumes in mL survive resampling patient A labels to 2 mm within 3 %', () => {
    const t0 = performance.now();
    const two = resampleToSpacing(labels, [2, 2, 2], 'nearest');
    console.log(`resampleToSpacing: labels → 2 mm nearest in ${(performance.now() - t0).toFixed(0)} ms`);
    const before = organMl(labels);
    const after = organMl(two);
    console.log(`organ mL at 3 mm → 2 mm: ${[1, 2, 3, 4].map((c) => `${before[c].toFixed(1)} → ${after[c].toFixed(1)}`).join(', ')}`);
    for (let c = 1; c <= 4; c++) {
      expect(before[c]).toBeGreaterThan(50);
      expect(Math.abs(after[c] - before[c]) / before[c]).toBeLessThan(0.03);
    }
  });
});
