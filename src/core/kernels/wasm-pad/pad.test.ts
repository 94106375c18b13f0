/**
 * The `wasm` backend's PadV2 and Tile agree with tfjs-cpu's for the same input: the engine's spatial
 * padding (4-D and 3-D views of NDHWC volumes), asymmetric and constant-value pads, every axis, the
 * nearest-neighbour upsampling tiles, odd sizes and long rows. Copies: exact.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { expectCpuFallback, expectWasmMatchesCpu, onWasmBackend, randomValues } from '../../../testing/wasm-parity';
import { WASM_PAD_CONFIGS } from './pad.kernel';

const PADS: { name: string; shape: number[]; paddings: [number, number][]; value: number }[] = [
  { name: 'H and W of [N·D,H,W,C], C=5', shape: [6, 4, 5, 5], paddings: [[0, 0], [2, 2], [2, 2], [0, 0]], value: 0 },
  { name: 'D of [N,D,H·W·C] (long rows)', shape: [2, 4, 135], paddings: [[0, 0], [1, 1], [0, 0]], value: 0 },
  { name: 'asymmetric on every axis', shape: [2, 3, 4, 3], paddings: [[1, 0], [0, 2], [3, 1], [1, 2]], value: 0 },
  { name: 'constant value', shape: [3, 7], paddings: [[2, 1], [1, 3]], value: -1.5 },
  { name: '5-D channels', shape: [1, 2, 3, 2, 3], paddings: [[0, 0], [1, 1], [0, 0], [1, 0], [0, 2]], value: 0 },
  { name: '1-D', shape: [9], paddings: [[4, 2]], value: 0.25 },
];

const TILES: { name: string; shape: number[]; reps: number[] }[] = [
  { name: 'upsample D: [N·D,1,H·W·C] ×4', shape: [6, 1, 75], reps: [1, 4, 1] },
  { name: 'upsample W: [M,1,C], C=7', shape: [40, 1, 7], reps: [1, 4, 1] },
  { name: 'every axis', shape: [2, 3, 5], reps: [3, 2, 2] },
  { name: 'innermost only', shape: [4, 3], reps: [1, 5] },
  { name: '5-D', shape: [1, 2, 2, 3, 3], reps: [2, 1, 3, 1, 2] },
  { name: 'reps of 1', shape: [3, 4], reps: [1, 1] },
];

describe('wasm pad and tile kernels', () => {
  onWasmBackend(WASM_PAD_CONFIGS);

  it.each(PADS)('pad: $name matches tfjs-cpu', async (c) => {
    const xv = randomValues(c.shape, 9);
    await expectWasmMatchesCpu(() => tf.pad(tf.tensor(xv, c.shape), c.paddings, c.value), 0, { nonzero: true });
  });

  it.each(TILES)('tile: $name matches tfjs-cpu', async (c) => {
    const xv = randomValues(c.shape, 10);
    await expectWasmMatchesCpu(() => tf.tile(tf.tensor(xv, c.shape), c.reps), 0, { nonzero: true });
  });

  it('int32 tile falls back to tfjs-cpu', async () => {
    await expectCpuFallback(() => tf.tile(tf.tensor([1, 2], [2], 'int32'), [2]), 'int32', [1, 2, 1, 2]);
  });
});
