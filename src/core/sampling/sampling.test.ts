/** Acceptance statistics of isample and the uniform sampler, with seeded generators (tolerances ≥ 4σ). */
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../data/volume';
import { isWorkbenchError } from '../errors';
import { Rng } from '../random';
import { buildClassIndex, voxelCoords, type ClassIndex } from './class-index';
import { ErrorMapStore } from './error-map-store';
import { ISampler } from './isampler';
import { UniformSampler } from './uniform-sampler';

const DIMS: Vec3 = [20, 10, 10];

/** Class 0 ≈ 90 %, class 1 ≈ 9 %, class 2 ≈ 1 % of the voxels. */
function skewedLabels(seed: number): Uint8Array {
  const rng = new Rng(seed);
  const l = new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]);
  for (let v = 0; v < l.length; v++) {
    const u = rng.next();
    l[v] = u < 0.01 ? 2 : u < 0.1 ? 1 : 0;
  }
  return l;
}

const indexes: ClassIndex[] = [0, 1, 2, 3].map((s) => buildClassIndex({ name: `scan ${s}`, labels: skewedLabels(s + 1), dims: DIMS }, 3));

function storeFilled(fill: (x: number, y: number, z: number) => number): ErrorMapStore {
  const store = new ErrorMapStore(indexes.map((x) => x.dims));
  for (let i = 0; i < store.count; i++) {
    const e = store.error(i);
    for (let v = 0; v < e.length; v++) e[v] = fill(...voxelCoords(v, DIMS));
  }
  return store;
}

describe('class index', () => {
  it('lists every voxel under its label, and rejects labels ≥ K', () => {
    const labels = skewedLabels(9);
    const idx = buildClassIndex({ labels, dims: DIMS }, 3);
    expect(idx.voxels.reduce((s, a) => s + a.length, 0)).toBe(labels.length);
    for (let k = 0; k < 3; k++) for (const v of idx.voxels[k]) expect(labels[v]).toBe(k);
    expect(idx.present).toEqual([0, 1, 2]);
    let err: unknown;
    try {
      buildClassIndex({ name: 'seg.nii', labels, dims: DIMS }, 2);
    } catch (e) {
      err = e;
    }
    expect(isWorkbenchError(err, 'bad-argument') && /seg\.nii.*label 2.*0\.\.1/.test(err.message)).toBe(true);
  });
});

describe('uniform class-balanced sampler', () => {
  it('balances classes and every centre has its class label', () => {
    const s = new UniformSampler(indexes);
    const b = s.nextBatch(6000, new Rng(1));
    for (const c of b.stats.perClass) expect(Math.abs(c / 6000 - 1 / 3)).toBeLessThan(0.03);
    for (const p of b.patches) {
      const [x, y, z] = p.centre;
      expect(x + DIMS[0] * (y + DIMS[1] * z)).toBe(p.voxel);
    }
    const labels = indexes.map((x) => x.voxels);
    expect(b.patches.every((p) => labels[p.image][p.classId].includes(p.voxel))).toBe(true);
    expect(b.stats.acceptanceRate).toBe(1);
  });

  it('scansPerBatch 1 takes the whole batch from one scan, 2 splits it 12 + 12', () => {
    const rng = new Rng(2);
    const one = new UniformSampler(indexes, { scansPerBatch: 1 });
    const seen = new Set<number>();
    for (let t = 0; t < 20; t++) {
      const b = one.nextBatch(12, rng);
      expect(new Set(b.patches.map((p) => p.image)).size).toBe(1);
      seen.add(b.patches[0].image);
    }
    expect(seen.size).toBeGreaterThan(1);
    const two = new UniformSampler(indexes, { scansPerBatch: 2 }).nextBatch(24, rng);
    expect(two.scans.length).toBe(2);
    for (const s of two.scans) expect(two.patches.filter((p) => p.image === s).length).toBe(12);
  });
});

describe('isample (Algorithm 1)', () => {
  it('E ≡ 0 accepts at rate ≈ ε', () => {
    const eps = 0.05;
    const b = new ISampler(indexes, storeFilled(() => 0), { epsilon: eps }).nextBatch(2000, new Rng(3));
    // 2000 accepted of ~40000 proposals: σ(rate) ≈ 0.0011
    expect(Math.abs(b.stats.acceptanceRate - eps)).toBeLessThan(0.005);
    expect(b.stats.forced).toBe(0);
  });

  it('E ≡ 1 accepts every proposal', () => {
    const b = new ISampler(indexes, storeFilled(() => 1)).nextBatch(500, new Rng(4));
    expect(b.stats.proposals).toBe(500);
    expect(b.stats.acceptanceRate).toBe(1);
  });

  it('ε = 1 accepts everything and reproduces the uniform sampler draw for draw', () => {
    for (const opts of [{}, { scansPerBatch: 2 }]) {
      const iso = new ISampler(indexes, storeFilled(() => 0), { ...opts, epsilon: 1 }).nextBatch(300, new Rng(5));
      const uni = new UniformSampler(indexes, opts).nextBatch(300, new Rng(5));
      expect(iso.stats.acceptanceRate).toBe(1);
      expect(iso.patches).toEqual(uni.patches);
    }
  });

  it('concentrates centres where E is high, by the expected ratio', () => {
    // One class everywhere so proposals are uniform over voxels; E = 1 on x < 10, 0.1 elsewhere.
    const flat = [buildClassIndex({ labels: new Uint8Array(2000), dims: DIMS }, 1)];
    const store = new ErrorMapStore([DIMS]);
    const e = store.error(0);
    for (let v = 0; v < e.length; v++) e[v] = voxelCoords(v, DIMS)[0] < 10 ? 1 : 0.1;
    const eps = 0.01;
    const b = new ISampler(flat, store, { epsilon: eps }).nextBatch(5000, new Rng(6));
    const inHigh = b.patches.filter((p) => p.centre[0] < 10).length / 5000;
    // P(accept | high) = 1, P(accept | low) = P(U < 0.1 + ε) = 0.11; equal areas ⇒ 1 / 1.11
    const expected = 1 / (1 + (0.1 + eps));
    expect(Math.abs(inHigh - expected)).toBeLessThan(0.02);
    expect(Math.abs(b.stats.acceptanceRate - (1 + 0.1 + eps) / 2)).toBeLessThan(0.02);
    // The density map counted exactly the accepted centres.
    expect(store.density(0).reduce((s, c) => s + c, 0)).toBe(5000);
  });

  it('keeps class balance whatever E is', () => {
    const b = new ISampler(indexes, storeFilled((x) => (x < 5 ? 0.9 : 0.2))).nextBatch(6000, new Rng(7));
    for (const c of b.stats.perClass) expect(Math.abs(c / 6000 - 1 / 3)).toBeLessThan(0.03);
  });

  it('with ε = 0 and E ≡ 0 the safety valve forces acceptance and says so', () => {
    const b = new ISampler(indexes, storeFilled(() => 0), { epsilon: 0, maxProposalsPerPatch: 50 }).nextBatch(4, new Rng(8));
    expect(b.stats.forced).toBe(4);
    expect(b.stats.proposals).toBe(200);
  });
});

describe('ErrorMapStore', () => {
  it('starts at 1, takes 1 − p_true from p_true or from probabilities, and renders to bytes', () => {
    const store = new ErrorMapStore([[2, 2, 1]]);
    expect(Array.from(store.error(0))).toEqual([1, 1, 1, 1]);
    store.update(0, Float32Array.from([1, 0.75, 0, 0.5]));
    expect(Array.from(store.error(0))).toEqual([0, 0.25, 1, 0.5]);
    expect(Array.from(store.toUint8(0))).toEqual([0, 64, 255, 128]);
    // probabilities [voxels, K=2], class fastest
    store.update(0, Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.5, 0.5, 1, 0]), Uint8Array.from([0, 1, 1, 1]), 2);
    expect(Array.from(store.error(0)).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.1, 0.2, 0.5, 1]);
    expect(store.meanError(0)).toBeCloseTo(0.45, 6);
    store.recordCentre(0, 3);
    store.recordCentre(0, 3);
    store.recordCentre(0, 1);
    expect(Array.from(store.densityToUint8(0))).toEqual([0, 128, 0, 255]);
    expect(() => store.update(0, new Float32Array(5))).toThrow(/4 voxels.*p_true has 5/);
  });
});
