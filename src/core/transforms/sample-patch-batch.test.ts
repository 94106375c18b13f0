/**
 * Geometric facts of the GPU patch sampler, checked without its reference: identity copies source
 * voxels exactly, the context input is the 4³ box mean, 90° rotations and 2× zoom move a known
 * asymmetric pattern where they must. Plus shapes, dtypes, seeding and the CPU fallback.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import type { Device } from '../backend/device';
import type { Vec3 } from '../data/volume';
import { isWorkbenchError } from '../errors';
import { Rng } from '../random';
import { DEFAULT_AUGMENT, IDENTITY_INTENSITY, identityTransforms, patchMatrix, type PatchTransform } from './augment';
import { cutPatches, samplePatchBatch, samplePatchBatchReference } from './sample-patch-batch';
import { syntheticVolume } from './synthetic-volume';
import { GpuTrainingSet, packTrainingSet, uploadTrainingSet, type TrainingVolumeInput } from './training-set';

const GEOM = { outputSize: 8, rFull: 3, rContext: 2 }; // F = 14, C = 6
const F = 14;
const C = 6;
const O = 8;
const RANGE = { min: -4.5, max: 4.5 };

const vol = syntheticVolume({ dims: [23, 19, 17], seed: 11 });
const at = (v: TrainingVolumeInput, p: Vec3, fill: number): number => {
  const [nx, ny, nz] = v.dims;
  if (p.some((x, a) => x < 0 || x >= v.dims[a])) return fill;
  void nz;
  return v.image[p[0] + nx * (p[1] + ny * p[2])];
};
const labelAt = (v: TrainingVolumeInput, p: Vec3): number => {
  if (p.some((x, a) => x < 0 || x >= v.dims[a])) return 0;
  return v.labels![p[0] + v.dims[0] * (p[1] + v.dims[1] * p[2])];
};
const cell = (n: number, x: number, y: number, z: number, p = 0) => ((p * n + z) * n + y) * n + x;

describe('GPU patch sampler geometry', () => {
  let b: Device;
  let set: GpuTrainingSet;
  beforeAll(async () => {
    b = await webgpuForTests();
    set = uploadTrainingSet([vol], { valueRange: RANGE });
  });

  it('identity copies source voxels exactly (air and background outside), shapes and dtypes as documented', async () => {
    const centres: Vec3[] = [[11, 9, 8], [1, 18, 15]];
    await b.run('identity patch test', async () => {
      const batch = cutPatches(set, identityTransforms(centres.map((centre) => ({ image: 0, centre }))), GEOM);
      expect(batch.full.shape).toEqual([2, F, F, F, 1]);
      expect(batch.context.shape).toEqual([2, C, C, C, 1]);
      expect(batch.labels!.shape).toEqual([2, O, O, O]);
      expect(batch.full.dtype).toBe('float32');
      expect(batch.labels!.dtype).toBe('int32');
      const [full, labels] = await Promise.all([batch.full.data(), batch.labels!.data()]);
      let bad = 0;
      let outside = 0;
      centres.forEach((c, p) => {
        for (let z = 0; z < F; z++) for (let y = 0; y < F; y++) for (let x = 0; x < F; x++) {
          const src: Vec3 = [c[0] - 4 - 3 + x, c[1] - 4 - 3 + y, c[2] - 4 - 3 + z];
          if (src.some((s, a) => s < 0 || s >= vol.dims[a])) outside++;
          if (full[cell(F, x, y, z, p)] !== at(vol, src, RANGE.min)) bad++;
        }
        for (let z = 0; z < O; z++) for (let y = 0; y < O; y++) for (let x = 0; x < O; x++) {
          if (labels[cell(O, x, y, z, p)] !== labelAt(vol, [c[0] - 4 + x, c[1] - 4 + y, c[2] - 4 + z])) bad++;
        }
      });
      expect(outside).toBeGreaterThan(100); // the second patch really crosses the border
      expect(bad).toBe(0);
      tf.dispose([batch.full, batch.context, batch.labels!]);
    });
  });

  it('under identity, each context voxel is the 4³ box mean of the full-res block it covers', async () => {
    const c: Vec3 = [12, 10, 2];
    const batch = cutPatches(set, identityTransforms([{ image: 0, centre: c }]), GEOM, { withLabels: false });
    expect(batch.labels).toBeUndefined();
    const ctx = await batch.context.data();
    const o0 = c.map((v) => v - O / 2 - 4 * GEOM.rContext);
    let maxErr = 0;
    for (let z = 0; z < C; z++) for (let y = 0; y < C; y++) for (let x = 0; x < C; x++) {
      let s = 0;
      for (let dz = 0; dz < 4; dz++) for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) s += at(vol, [o0[0] + 4 * x + dx, o0[1] + 4 * y + dy, o0[2] + 4 * z + dz], RANGE.min);
      maxErr = Math.max(maxErr, Math.abs(ctx[cell(C, x, y, z)] - s / 64));
    }
    expect(maxErr).toBeLessThan(1e-5);
    tf.dispose([batch.full, batch.context]);
  });

  const CASES: { name: string; degrees: Vec3; spacing: Vec3; where: (u: Vec3) => Vec3 }[] = [
    // source = c + M·u; M = Rz(90°): (−u_y, u_x, u_z)
    { name: '90° about z', degrees: [90, 0, 0], spacing: [1, 1, 1], where: (s) => [s[1], -s[0], s[2]] },
    // M = Rx(90°): source offset (u_x, −u_z, u_y) ⇒ u = (s_x, s_z, −s_y)
    { name: '90° about x', degrees: [0, 0, 90], spacing: [1, 1, 1], where: (s) => [s[0], s[2], -s[1]] },
    // M = diag(2, 1, 1): source offset (2u_x, u_y, u_z)
    { name: '2× patch spacing along x', degrees: [0, 0, 0], spacing: [2, 1, 1], where: (s) => [s[0] / 2, s[1], s[2]] },
  ];

  it.each(CASES)('$name moves an asymmetric pattern where it must (images and labels)', async (k) => {
    const dims: Vec3 = [16, 16, 16];
    const c: Vec3 = [8, 8, 8];
    const image = new Float32Array(16 ** 3);
    const labels = new Uint8Array(16 ** 3);
    const marks: { s: Vec3; v: number }[] = [{ s: [2, 0, 0], v: 1 }, { s: [0, 3, 0], v: 2 }, { s: [0, 0, 1], v: 3 }, { s: [-2, 1, -3], v: 4 }];
    for (const m of marks) {
      const i = c[0] + m.s[0] + 16 * (c[1] + m.s[1] + 16 * (c[2] + m.s[2]));
      image[i] = m.v;
      labels[i] = m.v;
    }
    await b.run(`pattern test ${k.name}`, async () => {
      const s = uploadTrainingSet([{ image, labels, dims }], { valueRange: { min: 0, max: 4 } });
      const t: PatchTransform = { image: 0, centre: c, matrix: patchMatrix({ degreesZYX: k.degrees, patchSpacing: k.spacing, sourceSpacing: [1, 1, 1] }), intensity: IDENTITY_INTENSITY };
      const batch = cutPatches(s, [t], GEOM);
      const [full, lab] = await Promise.all([batch.full.data(), batch.labels!.data()]);
      const expectedFull = new Float32Array(F ** 3);
      const expectedLab = new Int32Array(O ** 3);
      for (const m of marks) {
        const u = k.where(m.s);
        if (!u.every(Number.isInteger)) continue;
        const f = u.map((v) => v + O / 2 + GEOM.rFull) as Vec3;
        if (f.every((v) => v >= 0 && v < F)) expectedFull[cell(F, f[0], f[1], f[2])] = m.v;
        const l = u.map((v) => v + O / 2) as Vec3;
        if (l.every((v) => v >= 0 && v < O)) expectedLab[cell(O, l[0], l[1], l[2])] = m.v;
      }
      expect(Array.from(full)).toEqual(Array.from(expectedFull));
      expect(Array.from(lab)).toEqual(Array.from(expectedLab));
      expect(expectedLab.some((v) => v !== 0)).toBe(true);
      tf.dispose([batch.full, batch.context, batch.labels!]);
      s.dispose();
    });
  });

  it('a seed reproduces a batch; another seed changes it; split tensors match the CPU reference', async () => {
    const reqs = [{ image: 0, centre: [5, 5, 5] as Vec3 }, { image: 0, centre: [17, 12, 9] as Vec3 }];
    const a = samplePatchBatch(set, reqs, GEOM, DEFAULT_AUGMENT, new Rng(3));
    const a2 = samplePatchBatch(set, reqs, GEOM, DEFAULT_AUGMENT, new Rng(3));
    const c = samplePatchBatch(set, reqs, GEOM, DEFAULT_AUGMENT, new Rng(4));
    const [fa, fa2, fc, la] = await Promise.all([a.full.data(), a2.full.data(), c.full.data(), a.labels!.data()]);
    expect(Array.from(fa2)).toEqual(Array.from(fa));
    expect(Array.from(fc)).not.toEqual(Array.from(fa));
    const ref = samplePatchBatchReference([vol], a.transforms, GEOM, { valueRange: RANGE });
    const ctx = await a.context.data();
    expect(Math.max(...Array.from(fa, (v, i) => Math.abs(v - ref.full[i])))).toBeLessThan(1e-5);
    expect(Math.max(...Array.from(ctx, (v, i) => Math.abs(v - ref.context[i])))).toBeLessThan(1e-5);
    expect(Array.from(la)).toEqual(Array.from(ref.labels));
    for (const x of [a, a2, c]) tf.dispose([x.full, x.context, x.labels!]);
  });

  it('without WebGPU buffers (CPU fallback) the same batch comes out', async () => {
    const cpuSet = new GpuTrainingSet(packTrainingSet([vol], { valueRange: RANGE }), false);
    expect(cpuSet.onGpu).toBe(false);
    const reqs = [{ image: 0, centre: [9, 3, 14] as Vec3 }];
    const g = samplePatchBatch(set, reqs, GEOM, DEFAULT_AUGMENT, new Rng(8));
    const h = samplePatchBatch(cpuSet, reqs, GEOM, DEFAULT_AUGMENT, new Rng(8));
    const [gl, hl, gf, hf] = await Promise.all([g.labels!.data(), h.labels!.data(), g.full.data(), h.full.data()]);
    expect(Array.from(hl)).toEqual(Array.from(gl));
    expect(Math.max(...Array.from(gf, (v, i) => Math.abs(v - hf[i])))).toBeLessThan(1e-5);
    for (const x of [g, h]) tf.dispose([x.full, x.context, x.labels!]);
  });

  it('rejects bad input with typed errors that name the problem', () => {
    const catchCode = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return isWorkbenchError(e) ? `${e.code}: ${e.message}` : String(e);
      }
      return 'no error';
    };
    expect(catchCode(() => cutPatches(set, identityTransforms([{ image: 0, centre: [1, 1, 1] }]), { ...GEOM, outputSize: 10 }))).toMatch(/^bad-argument: .*multiple of 4; got 10/);
    expect(catchCode(() => cutPatches(set, identityTransforms([{ image: 3, centre: [1, 1, 1] }]), GEOM))).toMatch(/^bad-argument: .*volume 3.*holds 1/);
    expect(catchCode(() => packTrainingSet([{ name: 'x.nii', image: new Float32Array(8), labels: new Uint8Array(7), dims: [2, 2, 2] }]))).toMatch(/^label-grid-mismatch: x\.nii/);
    expect(catchCode(() => packTrainingSet([{ image: new Float32Array(8), labels: Int32Array.from([0, 0, 0, 300, 0, 0, 0, 0]), dims: [2, 2, 2] }]))).toMatch(/label 300/);
  });
});
