import { describe, expect, it } from 'vitest';
import { readNifti } from '../data/nifti-read';
import { labelArray } from '../data/checks';
import { repoFile } from '../data/testing/repo-files';
import { classCounts, volumesMl } from './volumes';

describe('volumesMl', () => {
  it('count × voxel volume in mL, background only on request, listed classes even when absent', () => {
    const l = [0, 1, 1, 2, 0, 0];
    const v = volumesMl(l, [2, 5, 10]); // 100 mm³ = 0.1 mL a voxel
    expect([...v.entries()]).toEqual([[1, 0.2], [2, 0.1]]);
    expect(volumesMl(l, [2, 5, 10], { includeBackground: true }).get(0)).toBeCloseTo(0.3, 12);
    expect(volumesMl(l, [2, 5, 10], { classes: [2, 5] })).toEqual(new Map([[2, 0.1], [5, 0]]));
    expect(Array.from(classCounts(Uint8Array.from(l)))).toEqual([3, 2, 1]);
  });

  it('patient A kidneys: 12,137 voxels of 27 mm³ = 327.7 mL together', () => {
    const v = readNifti(repoFile('public/demo/labels-organs4.nii.gz'), 'labels');
    const ml = volumesMl(labelArray(v), v.spacing);
    expect(ml.get(2)! + ml.get(3)!).toBeCloseTo((12137 * 27) / 1000, 6);
    // A liver is 1–3 L; a spleen far smaller.
    expect(ml.get(4)).toBeGreaterThan(1000);
    expect(ml.get(4)).toBeLessThan(3000);
    expect(ml.get(1)).toBeLessThan(ml.get(4)!);
  });
});
