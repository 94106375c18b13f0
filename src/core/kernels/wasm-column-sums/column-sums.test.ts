/**
 * The `wasm` backend's column sums agree with the matrix product by a row of ones computed on tfjs-cpu
 * (what other CPU backends do). Shapes: C not a multiple of 4, one row, many rows, batches.
 * Tolerance: 1e-5 · (1 + |cpu|) (float64 accumulation here, float32 dot products there).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/select';
import { expectWasmMatchesCpu, randomValues } from '../../../testing/wasm-parity';
import { columnSums } from '../column-sums/column-sums.kernel';

describe('wasm column sums', () => {
  beforeAll(async () => {
    expect((await initBackend(['wasm'])).info.name).toBe('wasm');
  });

  it.each([[1, 1, 5], [2, 37, 7], [3, 4096, 12], [1, 9, 1]])('[%i, %i, %i] matches matMul(ones, x) on tfjs-cpu', async (b, m, c) => {
    const xv = randomValues([b, m, c], b * 1000 + m + c);
    const { got } = await expectWasmMatchesCpu(() => columnSums(tf.tensor3d(xv, [b, m, c])), 1e-5, { nonzero: true, cpu: () => tf.matMul(tf.ones([b, 1, m]), tf.tensor3d(xv, [b, m, c])) });
    expect(got[0].shape).toEqual([b, 1, c]);
  });
});
