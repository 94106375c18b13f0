import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { MATRIX_QUANTUM_BITS } from '../kernels/patch-sampler/patch-sampler.layout';
import { DEFAULT_AUGMENT, NO_AUGMENT, drawPatchTransforms, patchMatrix, rotationMatrix } from './augment';
import type { Vec3 } from '../data/volume';

const det3 = (m: number[]) => m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);

/** Recovers (θz, θy, θx) in degrees from R = Rz·Ry·Rx. */
function anglesOf(r: number[]): Vec3 {
  const y = Math.asin(-r[6]);
  const x = Math.atan2(r[7], r[8]);
  const z = Math.atan2(r[3], r[0]);
  return [z, y, x].map((a) => (a * 180) / Math.PI) as Vec3;
}

describe('augmentation parameters', () => {
  it('rotationMatrix is orthonormal, and 90° about z sends x to y', () => {
    const r = rotationMatrix([37, -12, 5]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const dot = r[3 * i] * r[3 * j] + r[3 * i + 1] * r[3 * j + 1] + r[3 * i + 2] * r[3 * j + 2];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    expect(det3(r)).toBeCloseTo(1, 12);
    const rz = rotationMatrix([90, 0, 0]);
    // R·(1,0,0) = first column = (0,1,0)
    expect([rz[0], rz[3], rz[6]].map((v) => Math.round(v * 1e12) / 1e12)).toEqual([0, 1, 0]);
  });

  it('patchMatrix is exactly the identity without rotation or spacing change, and quantised always', () => {
    expect(patchMatrix({ degreesZYX: [0, 0, 0], patchSpacing: [0.7, 0.7, 3], sourceSpacing: [0.7, 0.7, 3] })).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const m = patchMatrix({ degreesZYX: [7.3, -2, 3.1], patchSpacing: [1.05, 0.93, 2.9], sourceSpacing: [1, 1, 3] });
    const q = 2 ** MATRIX_QUANTUM_BITS;
    for (const v of m) expect(Number.isInteger(v * q)).toBe(true);
    // Column j scales with patchSpacing[j]/sourceSpacing[i]: diagonal ≈ ratio for small angles.
    expect(m[8]).toBeCloseTo(2.9 / 3, 2);
  });

  it('draws angles and spacings within the configured ranges, reproducibly from the seed', () => {
    const reqs = Array.from({ length: 400 }, (_, i) => ({ image: 0, centre: [i, 0, 0] as Vec3 }));
    const src: Vec3 = [1, 1, 1];
    const noScale = { ...DEFAULT_AUGMENT, scaling: { enabled: false, maxSpacingDeltaMm: 0 } };
    const a = drawPatchTransforms(reqs, () => src, noScale, new Rng(5));
    const b = drawPatchTransforms(reqs, () => src, noScale, new Rng(5));
    expect(a).toEqual(b);
    const maxAbs = [0, 0, 0];
    for (const t of a) {
      const ang = anglesOf(t.matrix);
      ang.forEach((v, i) => (maxAbs[i] = Math.max(maxAbs[i], Math.abs(v))));
    }
    // Within [10, 4, 4] degrees (+ quantisation slack), and the ranges are actually used.
    expect(maxAbs[0]).toBeLessThan(10.1);
    expect(maxAbs[0]).toBeGreaterThan(9);
    expect(maxAbs[1]).toBeLessThan(4.1);
    expect(maxAbs[1]).toBeGreaterThan(3.5);
    expect(maxAbs[2]).toBeLessThan(4.1);
    const scaled = drawPatchTransforms(reqs, () => src, { ...NO_AUGMENT, scaling: { enabled: true, maxSpacingDeltaMm: 0.1 } }, new Rng(6));
    const diag = scaled.flatMap((t) => [t.matrix[0], t.matrix[4], t.matrix[8]]);
    expect(Math.min(...diag)).toBeGreaterThan(0.899);
    expect(Math.max(...diag)).toBeLessThan(1.101);
    expect(Math.max(...diag) - Math.min(...diag)).toBeGreaterThan(0.15);
    expect(scaled.every((t) => t.matrix[1] === 0 && t.matrix[3] === 0)).toBe(true);
  });

  it('NO_AUGMENT gives identity transforms and draws nothing from the generator', () => {
    const rng = new Rng(9);
    const t = drawPatchTransforms([{ image: 0, centre: [1, 2, 3] }], () => [2, 2, 2], NO_AUGMENT, rng);
    expect(t[0].matrix).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(t[0].intensity).toEqual({ scale: 1, shift: 0, gamma: 1, noiseSigma: 0, noiseSeed: 0 });
    expect(rng.uint32()).toBe(new Rng(9).uint32());
  });
});
