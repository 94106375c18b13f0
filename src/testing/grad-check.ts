/** Helpers for tests that compare an op's values and gradients across backends. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { Device } from '../core/backend/device';
import { Rng } from '../core/random';

/** `n` values uniform in [−scale, scale), reproducible from `seed`. */
export function randomValues(n: number, seed: number, scale = 3): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

/** Values and gradients (of Σ r · f(x)) of one op, on the current backend. */
export async function valuesAndGradient(f: (x: tf.Tensor) => tf.Tensor, x: Float32Array, shape: number[], r: Float32Array, outShape: number[]) {
  const xT = tf.tensor(x, shape);
  const rT = tf.tensor(r, outShape);
  const y = f(xT);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), rT)))(xT);
  const out = { y: Array.from(await y.data()), g: Array.from(await g.data()) };
  tf.dispose([xT, rT, y, g]);
  return out;
}

export interface BuiltinCase {
  name: string;
  /** The op under test (run on WebGPU). */
  f: (x: tf.Tensor) => tf.Tensor;
  /** tfjs's own op it must agree with (run on the CPU backend). */
  builtin: (x: tf.Tensor) => tf.Tensor;
  shape: number[];
  out: number[];
  /** Compare gradients too (default true). */
  gradient?: boolean;
}

/**
 * Values (and gradients) of `c.f` on WebGPU against `c.builtin` on tfjs's CPU backend, within 1e-5 relative,
 * inside `device.run` (GPU errors fail the test); the WebGPU values must not be all zeros.
 */
export async function expectMatchesBuiltin(device: Device, c: BuiltinCase): Promise<void> {
  const n = c.shape.reduce((a, s) => a * s, 1);
  const x = randomValues(n, n);
  const r = randomValues(c.out.reduce((a, s) => a * s, 1), 7, 1);
  await device.run(`${c.name} parity`, async () => {
    const gpu = await valuesAndGradient(c.f, x, c.shape, r, c.out);
    await tf.setBackend('cpu');
    const cpu = await valuesAndGradient(c.builtin, x, c.shape, r, c.out);
    await tf.setBackend('webgpu');
    const close = (a: number[], e: number[]) => a.forEach((v, i) => expect(Math.abs(v - e[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(e[i]))));
    close(gpu.y, cpu.y);
    if (c.gradient ?? true) close(gpu.g, cpu.g);
    expect(gpu.y.some((v) => v !== 0)).toBe(true);
  });
}
