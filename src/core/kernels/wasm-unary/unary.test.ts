/**
 * The `wasm` backend's unary kernels agree with tfjs-cpu's for the same input: every op on 5-D NDHWC
 * shapes with C not a multiple of 4, values of both signs, zeros, NaN and ±Infinity (Log and Sqrt of
 * negatives give NaN on both). Tolerance: exact (the same Math functions, rounded to float32).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { expectCpuFallback, expectWasmMatchesCpu, onWasmBackend, randomValues } from '../../../testing/wasm-parity';
import { WASM_UNARY_CONFIGS } from './unary.kernel';

const OPS: { name: string; f: (x: tf.Tensor) => tf.Tensor }[] = [
  { name: 'relu', f: tf.relu },
  { name: 'step', f: (x) => tf.step(x) },
  { name: 'step alpha 0.3', f: (x) => tf.step(x, 0.3) },
  { name: 'neg', f: tf.neg },
  { name: 'exp', f: tf.exp },
  { name: 'log', f: tf.log },
  { name: 'sqrt', f: tf.sqrt },
  { name: 'rsqrt', f: tf.rsqrt },
  { name: 'square', f: tf.square },
  { name: 'abs', f: tf.abs },
];
const SHAPES = [[2, 3, 4, 5, 7], [1, 3, 3, 3, 5], [37], []];

describe('wasm unary kernels', () => {
  onWasmBackend(WASM_UNARY_CONFIGS);

  const cases = OPS.flatMap((op) => SHAPES.map((shape) => ({ ...op, shape, dims: JSON.stringify(shape) })));
  it.each(cases)('$name on $dims matches tfjs-cpu', async (c) => {
    const xv = randomValues(c.shape, 11, -3, 3);
    const special = [0, NaN, Infinity, -Infinity, -0.5, 2];
    for (let i = 0; i < Math.min(special.length, xv.length); i++) xv[i] = special[i];
    await expectWasmMatchesCpu(() => c.f(tf.tensor(xv, c.shape)), 0);
  });

  it('int32 relu falls back to tfjs-cpu', async () => {
    await expectCpuFallback(() => tf.relu(tf.tensor([-2, 3], [2], 'int32')), 'int32', [0, 3]);
  });
});
