/**
 * The `wasm` backend end to end through tfjs: conv3d and its gradients (by tf.grads, so through tfjs's
 * own gradient functions) agree with tfjs's CPU backend, and an op we do not replace still runs.
 * Tolerance: |wasm − cpu| ≤ 1e-4 · (1 + |cpu|) per element (float32, sums of up to 27·Ci terms in
 * different orders).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { initBackend } from './select';

function random(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.uniform(-1, 1)), shape);
}

async function onBackend(name: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(name);
  const out = tf.tidy(fn);
  const vals = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
  out.forEach((t) => t.dispose());
  return vals;
}

function expectClose(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  let bad = 0;
  let nonzero = 0;
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i] - want[i]) > 1e-4 * (1 + Math.abs(want[i]))) bad++;
    if (want[i] !== 0) nonzero++;
  }
  expect(nonzero).toBeGreaterThan(0);
  expect(bad).toBe(0);
}

describe('wasm backend', () => {
  beforeAll(async () => {
    const b = await initBackend(['wasm']);
    expect(b.info.name).toBe('wasm');
  });

  it('names SIMD and the thread count', async () => {
    const b = await initBackend(['wasm']);
    expect(b.info.adapter).toMatch(/^WebAssembly SIMD.*\d+ threads?/);
    expect(b.info.reason).toBe('WebGPU is not used because WebGPU was not requested.');
  });

  const cases: { name: string; x: number[]; w: number[]; strides: number; pad: 'valid' | 'same' }[] = [
    { name: '3³ 5→7 valid', x: [2, 6, 5, 7, 5], w: [3, 3, 3, 5, 7], strides: 1, pad: 'valid' },
    { name: '3³ 4→6 same stride 2', x: [1, 7, 6, 8, 4], w: [3, 3, 3, 4, 6], strides: 2, pad: 'same' },
    { name: '1³ 6→3', x: [3, 4, 4, 4, 6], w: [1, 1, 1, 6, 3], strides: 1, pad: 'valid' },
  ];

  it.each(cases)('conv3d and both gradients match tfjs-cpu: $name', async (c) => {
    const x0 = random(c.x, 1);
    const w0 = random(c.w, 2);
    const xv = await x0.data();
    const wv = await w0.data();
    x0.dispose();
    w0.dispose();
    const run = () => {
      const x = tf.tensor5d(xv, c.x as [number, number, number, number, number]);
      const w = tf.tensor5d(wv, c.w as [number, number, number, number, number]);
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, c.strides, c.pad).square().sum();
      const [dx, dw] = tf.grads(f)([x, w]);
      return [tf.conv3d(x, w, c.strides, c.pad), dx, dw];
    };
    const want = await onBackend('cpu', run);
    const got = await onBackend('wasm', run);
    for (let i = 0; i < 3; i++) expectClose(got[i], want[i]);
  });

  it('runs the ops it does not replace with tfjs-cpu kernels', async () => {
    const [got] = await onBackend('wasm', () => [tf.softmax(tf.tensor2d([1, 2, 3, 4], [2, 2]))]);
    expect(got[0] + got[1]).toBeCloseTo(1, 6);
    expect(got[1]).toBeGreaterThan(got[0]);
  });
});
