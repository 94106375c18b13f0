import { describe, expect, it } from 'vitest';
import { dftReference, FftPlan, fft3d, goodFftSize } from './fft.reference';
import { Rng } from '../../random';

const mulberry32 = (seed: number): (() => number) => { const r = new Rng(seed); return () => r.next(); };

describe('fft reference', () => {
  it('pads to 5-smooth sizes', () => {
    expect([1, 7, 11, 13, 512, 513, 525, 151, 157].map(goodFftSize)).toEqual([1, 8, 12, 15, 512, 540, 540, 160, 160]);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 14, 15, 16, 25, 30, 49, 60, 64, 100])('matches the direct DFT for n = %i (forward and inverse)', (n) => {
    const rnd = mulberry32(n);
    const re = Float64Array.from({ length: n }, () => rnd() - 0.5), im = Float64Array.from({ length: n }, () => rnd() - 0.5);
    for (const inverse of [false, true]) {
      const want = dftReference(re, im, inverse);
      const r = re.slice(), i = im.slice();
      new FftPlan(n).transform(r, i, inverse);
      for (let k = 0; k < n; k++) {
        expect(r[k]).toBeCloseTo(want.re[k], 9);
        expect(i[k]).toBeCloseTo(want.im[k], 9);
      }
    }
  });

  it('3-D: a forward then inverse transform returns the input, and a delta transforms to a plane wave', () => {
    const dims: [number, number, number] = [6, 5, 4];
    const n = 120;
    const rnd = mulberry32(3);
    const re = Float32Array.from({ length: n }, () => rnd()), im = new Float32Array(n);
    const orig = re.slice();
    fft3d(re, im, dims);
    expect(re[0]).toBeCloseTo(orig.reduce((a, b) => a + b, 0), 4); // DC term = sum
    fft3d(re, im, dims, true);
    for (let k = 0; k < n; k++) { expect(re[k]).toBeCloseTo(orig[k], 5); expect(Math.abs(im[k])).toBeLessThan(1e-5); }
    // delta at (1, 0, 0): X[kx, ky, kz] = exp(−2πi kx / 6)
    const dr = new Float32Array(n), di = new Float32Array(n);
    dr[1] = 1;
    fft3d(dr, di, dims);
    for (let z = 0; z < 4; z++) for (let y = 0; y < 5; y++) for (let x = 0; x < 6; x++) {
      const p = x + 6 * (y + 5 * z);
      expect(dr[p]).toBeCloseTo(Math.cos((2 * Math.PI * x) / 6), 5);
      expect(di[p]).toBeCloseTo(-Math.sin((2 * Math.PI * x) / 6), 5);
    }
  });
});
