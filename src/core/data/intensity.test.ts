import { describe, expect, it } from 'vitest';
import { clampAndScale } from './intensity';
import { readNifti } from './nifti-read';
import { repoFile } from './testing/repo-files';
import { realValues } from './volume';

describe('clampAndScale', () => {
  it('clamps to [−1000, 1000] HU and divides by 218 by default', () => {
    const out = clampAndScale(Float32Array.from([-3024, -1000, -218, 0, 109, 1000, 3071]));
    const expected = [-1000, -1000, -218, 0, 109, 1000, 1000].map((x) => Math.fround(x / 218));
    out.forEach((x, i) => expect(x).toBeCloseTo(expected[i], 6));
    expect(out[2]).toBeCloseTo(-1, 6);
  });

  it('takes other windows and keeps NaN', () => {
    const out = clampAndScale([-200, 50, 400, NaN], { min: -100, max: 300, divisor: 100 });
    expect(Array.from(out.subarray(0, 3))).toEqual([-1, 0.5, 3]);
    expect(out[3]).toBeNaN();
    expect(() => clampAndScale([1], { min: 2, max: 1 })).toThrow(/min \(2\) must not exceed max \(1\)/);
    expect(() => clampAndScale([1], { divisor: 0 })).toThrow(/divisor/);
  });

  it('on patient A: output within ±1000/218, air at the minimum', () => {
    const v = readNifti(repoFile('public/demo/ct.nii.gz'), 'ct.nii.gz');
    const out = clampAndScale(realValues(v));
    let lo = Infinity, hi = -Infinity;
    for (const x of out) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
    expect(lo).toBeCloseTo(-1000 / 218, 5);
    expect(hi).toBeCloseTo(1000 / 218, 5);
    expect(out.length).toBe(122 * 101 * 112);
  });
});
