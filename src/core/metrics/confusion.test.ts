import { describe, expect, it } from 'vitest';
import { confusionCounts } from './confusion';

describe('confusionCounts', () => {
  const pred = [0, 1, 1, 2, 2, 2, 0, 3];
  const truth = [0, 1, 2, 2, 2, 0, 1, 0];

  it('counts tp, fp, fn per class present in either map, without background by default', () => {
    const c = confusionCounts(pred, truth);
    expect([...c.keys()]).toEqual([1, 2, 3]);
    expect(c.get(1)).toEqual({ tp: 1, fp: 1, fn: 1, predicted: 2, reference: 2 });
    expect(c.get(2)).toEqual({ tp: 2, fp: 1, fn: 1, predicted: 3, reference: 3 });
    expect(c.get(3)).toEqual({ tp: 0, fp: 1, fn: 0, predicted: 1, reference: 0 });
  });

  it('includes background on request, reports listed classes even when absent', () => {
    const c = confusionCounts(Uint8Array.from(pred), Int32Array.from(truth), { includeBackground: true });
    expect(c.get(0)).toEqual({ tp: 1, fp: 1, fn: 2, predicted: 2, reference: 3 });
    const listed = confusionCounts(pred, truth, { classes: [2, 9] });
    expect([...listed.keys()]).toEqual([2, 9]);
    expect(listed.get(9)).toEqual({ tp: 0, fp: 0, fn: 0, predicted: 0, reference: 0 });
  });

  it('counts add up: for every class tp + fn = reference voxels and the sum over classes is the grid', () => {
    const c = confusionCounts(pred, truth, { includeBackground: true });
    let total = 0;
    for (const v of c.values()) total += v.reference;
    expect(total).toBe(pred.length);
  });

  it('refuses maps of different sizes', () => {
    expect(() => confusionCounts([1, 2], [1])).toThrow(/prediction has 2 voxels, reference 1/);
  });
});
