import { describe, expect, it } from 'vitest';
import { pTrueCollector } from './sliding-window-sinks';

describe('pTrueCollector', () => {
  // Two voxels, three classes: voxel 0 has label 0, voxel 1 label 1.
  const slab = { zStart: 0, depth: 1, dims: [2, 1, 1] as [number, number, number], numClasses: 3, probabilities: Float32Array.from([0.2, 0.3, 0.5, 0.1, 0.6, 0.3]) };

  it('takes p of the true label, and E = 1 − p_true', () => {
    const sink = pTrueCollector([2, 1, 1], 3, Uint8Array.from([0, 1]));
    sink.accept(slab);
    expect([...sink.pTrue].map((v) => +v.toFixed(6))).toEqual([0.2, 0.6]);
    expect([...sink.errorMap()].map((v) => +v.toFixed(6))).toEqual([0.8, 0.4]);
  });

  it('on a scan that does not label class 2, a background voxel takes p_0 + p_2 (labelled voxels are unchanged)', () => {
    const sink = pTrueCollector([2, 1, 1], 3, Uint8Array.from([0, 1]), [false, false, true]);
    sink.accept(slab);
    expect([...sink.pTrue].map((v) => +v.toFixed(6))).toEqual([0.7, 0.6]);
  });
});
