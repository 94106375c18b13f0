/**
 * The `wasm` backend's Slice and SplitV agree with tfjs-cpu's for the same input: channel slices of
 * NDHWC tensors (C not a multiple of 4), slices on every axis, long and short runs, contiguous slices
 * (which go to tfjs-cpu), splits on the last, a middle and the first axis. Copies: exact.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, onWasmBackend, randomValues } from '../../../testing/wasm-parity';
import { WASM_SLICE_CONFIGS } from './slice.kernel';

const SLICES: { name: string; shape: number[]; begin: number[]; size: number[] }[] = [
  { name: 'channels 2..6 of C=7', shape: [2, 3, 4, 5, 7], begin: [0, 0, 0, 0, 2], size: [2, 3, 4, 5, 4] },
  { name: 'inner box of a 5-D volume', shape: [2, 6, 5, 7, 3], begin: [0, 1, 1, 1, 0], size: [2, 4, 3, 5, 3] },
  { name: 'every axis cut', shape: [3, 4, 5, 6, 5], begin: [1, 1, 2, 0, 1], size: [2, 2, 3, 4, 3] },
  { name: 'long runs (W·C whole)', shape: [2, 5, 9, 40, 3], begin: [0, 1, 2, 0, 0], size: [2, 3, 5, 40, 3] },
  { name: '2-D columns', shape: [50, 9], begin: [0, 3], size: [50, 5] },
  { name: 'size −1 means to the end', shape: [4, 6, 5], begin: [1, 2, 1], size: [-1, -1, 3] },
  { name: 'contiguous (tfjs-cpu path)', shape: [4, 3, 5], begin: [1, 0, 0], size: [2, 3, 5] },
  { name: 'empty', shape: [4, 3, 5], begin: [0, 1, 0], size: [4, 0, 5] },
];

const SPLITS: { name: string; shape: number[]; sizes: number[] | number; axis: number }[] = [
  { name: 'last axis 5+3 of a 2-D concat', shape: [41, 8], sizes: [5, 3], axis: 1 },
  { name: 'channels of 5-D into 3 equal', shape: [2, 3, 3, 4, 9], sizes: 3, axis: 4 },
  { name: 'middle axis, −1 size', shape: [2, 7, 3, 5], sizes: [2, -1, 1], axis: 1 },
  { name: 'first axis', shape: [6, 3, 5], sizes: [1, 5], axis: 0 },
];

describe('wasm slice kernels', () => {
  onWasmBackend(WASM_SLICE_CONFIGS);

  it.each(SLICES)('slice: $name matches tfjs-cpu', async (c) => {
    const xv = randomValues(c.shape, 3);
    await expectWasmMatchesCpu(() => tf.slice(tf.tensor(xv, c.shape), c.begin, c.size), 0);
  });

  it.each(SPLITS)('split: $name matches tfjs-cpu', async (c) => {
    const xv = randomValues(c.shape, 4);
    const { got } = await expectWasmMatchesCpu(() => tf.split(tf.tensor(xv, c.shape), c.sizes, c.axis), 0, { nonzero: true });
    for (const g of got) expect(g.values.length).toBeGreaterThan(0);
  });

  it('the gradient of a channel concat (a split) matches tfjs-cpu', async () => {
    const av = randomValues([2, 3, 3, 3, 5], 5);
    const bv = randomValues([2, 3, 3, 3, 3], 6);
    const fn = () => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.concat([a, b], 4), tf.range(1, 9))));
      return g([tf.tensor(av, [2, 3, 3, 3, 5]), tf.tensor(bv, [2, 3, 3, 3, 3])]);
    };
    await expectWasmMatchesCpu(fn, 0, { nonzero: true });
  });
});
