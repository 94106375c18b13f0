import { describe, expect, it } from 'vitest';
import { readNifti } from '../data/nifti-read';
import { labelArray } from '../data/checks';
import { repoFile } from '../data/testing/repo-files';
import { largestComponentPerClass } from '../inferers/postprocess';
import { computeDice, computeIoU, DiceMetric, meanIgnoringNaN } from './overlap';

describe('computeDice / computeIoU', () => {
  const pred = [0, 1, 1, 2, 2, 2, 0, 3];
  const truth = [0, 1, 2, 2, 2, 0, 1, 0];

  it('per class, by hand: Dice = 2tp/(2tp+fp+fn), IoU = tp/(tp+fp+fn)', () => {
    const d = computeDice(pred, truth);
    expect(d.get(1)).toBeCloseTo(2 / 4, 12);
    expect(d.get(2)).toBeCloseTo(4 / 6, 12);
    expect(d.get(3)).toBe(0); // predicted only
    const j = computeIoU(pred, truth);
    expect(j.get(1)).toBeCloseTo(1 / 3, 12);
    expect(j.get(2)).toBeCloseTo(2 / 4, 12);
    for (const [c, dice] of d) expect(j.get(c)).toBeCloseTo(dice / (2 - dice), 12); // J = D / (2 − D)
  });

  it('identical maps score 1; a class absent from both is NaN only when asked for', () => {
    const d = computeDice(truth, truth, { classes: [1, 2, 7] });
    expect(d.get(1)).toBe(1);
    expect(d.get(2)).toBe(1);
    expect(d.get(7)).toBeNaN();
    expect(computeDice(truth, truth).has(7)).toBe(false);
    expect(meanIgnoringNaN(d.values())).toBe(1);
  });

  it('on patient A: the organ labels against themselves after cleaning stay near 1, against shifted labels drop', () => {
    const v = readNifti(repoFile('public/demo/labels-organs4.nii.gz'), 'labels');
    const l = labelArray(v);
    const cleaned = largestComponentPerClass(l, v.dims);
    const d = computeDice(cleaned, l);
    for (const c of [1, 2, 3, 4]) expect(d.get(c)).toBeGreaterThan(0.95);
    const shifted = new Uint8Array(l.length);
    shifted.set(l.subarray(3), 0); // 3 voxels (9 mm) along x
    const ds = computeDice(shifted, l);
    for (const c of [1, 2, 3, 4]) expect(ds.get(c)).toBeLessThan(d.get(c)!);
  });
});

describe('DiceMetric', () => {
  it('averages each class over the cases where it is defined', () => {
    const m = new DiceMetric({ classes: [1, 2] });
    m.add([1, 1, 0, 0], [1, 1, 0, 0]); // class 1: 1, class 2: NaN
    m.add([1, 0, 2, 2], [1, 1, 2, 0]); // class 1: 2/3, class 2: 2/3
    const a = m.aggregate();
    expect(a.cases).toBe(2);
    expect(a.perClass.get(1)).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(a.perClass.get(2)).toBeCloseTo(2 / 3, 12);
    expect(a.mean).toBeCloseTo(((1 + 2 / 3) / 2 + 2 / 3) / 2, 12);
    m.reset();
    expect(m.aggregate().cases).toBe(0);
    expect(m.aggregate().mean).toBeNaN();
  });
});
