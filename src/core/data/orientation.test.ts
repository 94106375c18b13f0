import { describe, expect, it } from 'vitest';
import { applyAffine } from './affine';
import { readNifti } from './nifti-read';
import { axisOrientations, toCanonical } from './orientation';
import { countDifferences } from './testing/compare-grids';
import { repoFile } from './testing/repo-files';
import type { Vec3, Volume } from './volume';

function synthetic(affine: number[], dims: Vec3): Volume {
  const n = dims[0] * dims[1] * dims[2];
  const data = new Int32Array(n);
  for (let i = 0; i < n; i++) data[i] = i * 7 + 3;
  return { name: 'syn', dims, spacing: [1, 1, 1], affine: Float64Array.from([...affine, 0, 0, 0, 1]), data, scale: { slope: 1, inter: 0 } };
}

/** Canonical means: 3×3 part has its largest entry of each column on the diagonal, and positive. */
function expectCanonical(v: Volume): void {
  for (let a = 0; a < 3; a++) {
    const col = [v.affine[a], v.affine[4 + a], v.affine[8 + a]];
    const big = col.map(Math.abs).indexOf(Math.max(...col.map(Math.abs)));
    expect(big).toBe(a);
    expect(col[a]).toBeGreaterThan(0);
  }
}

describe('toCanonical', () => {
  const cases: [string, number[], Vec3][] = [
    ['LPS-like (x and y flipped)', [-2, 0, 0, 10, 0, -3, 0, 20, 0, 0, 4, 30], [3, 4, 5]],
    ['axes permuted (coronal: j along z, k along y)', [0.5, 0, 0, 0, 0, 0, -2, 5, 0, 1.5, 0, -7], [4, 3, 2]],
    ['all three permuted and flipped', [0, 0, -1, 1, -2, 0, 0, 2, 0, 3, 0, 3], [2, 3, 4]],
    ['oblique (20° about z)', [Math.cos(0.35), -Math.sin(0.35), 0, 0, Math.sin(0.35), Math.cos(0.35), 0, 0, 0, 0, 1, 0], [3, 3, 3]],
  ];
  for (const [name, affine, dims] of cases) {
    it(`${name}: canonical affine, every voxel keeps its world position, round trip exact`, () => {
      const v = synthetic(affine, dims);
      const { volume: c, fromCanonical } = toCanonical(v);
      expectCanonical(c);
      expect(c.dims.reduce((a, b) => a * b)).toBe(v.data.length);
      // Same value at the same world position, voxel for voxel.
      expect(countDifferences(v, c, (i) => v.data[i], (i) => c.data[i])).toBe(0);
      const back = fromCanonical(c);
      expect(back.dims).toEqual(v.dims);
      expect(Array.from(back.affine)).toEqual(Array.from(v.affine));
      expect(Array.from(back.data)).toEqual(Array.from(v.data));
    });
  }

  it('leaves patient A (already RAS) as is and reorients patient B (x flipped)', () => {
    const a = readNifti(repoFile('public/demo/ct.nii.gz'), 'a');
    const ca = toCanonical(a);
    expect(ca.volume.data).toBe(a.data);
    expect(ca.orientation).toEqual([{ world: 0, flip: false }, { world: 1, flip: false }, { world: 2, flip: false }]);
    const b = readNifti(repoFile('test-data/ct-abdomen-b/ct.nii.gz'), 'b');
    const cb = toCanonical(b);
    expect(cb.orientation[0]).toEqual({ world: 0, flip: true });
    expectCanonical(cb.volume);
    // World position of the far corner is unchanged.
    const p = applyAffine(b.affine, 511, 0, 0);
    const q = applyAffine(cb.volume.affine, 0, 0, 0);
    for (let k = 0; k < 3; k++) expect(q[k]).toBeCloseTo(p[k], 6);
    expect(cb.volume.data[0]).toBe(b.data[511]);
  });

  it('maps predicted labels (a different datatype) back, and refuses a volume of another size', () => {
    const v = synthetic([-2, 0, 0, 10, 0, -3, 0, 20, 0, 0, 4, 30], [3, 4, 5]);
    const { volume: c, fromCanonical } = toCanonical(v);
    const pred: Volume = { ...c, name: 'pred', data: Uint8Array.from(c.data, (x) => x % 5) };
    const back = fromCanonical(pred);
    expect(back.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.data)).toEqual(Array.from(v.data, (x) => x % 5));
    expect(() => fromCanonical({ ...pred, dims: [5, 4, 3] })).toThrow(/pred is 5×4×3 but the canonical grid of syn is 3×4×5/);
  });

  it('axisOrientations is a permutation even when two axes lean towards the same world axis', () => {
    const o = axisOrientations([0.8, 0.7, 0, 0, 0.6, -0.71, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(new Set(o.map((x) => x.world)).size).toBe(3);
  });
});
