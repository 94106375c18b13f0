/**
 * Parity helpers for the `wasm` backend's kernels: run the same function on tfjs-cpu and on `wasm`
 * (same inputs, made from the same seeded values on each backend) and compare element by element.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../core/random';

/** Seeded uniform values in [lo, hi). */
export function randomValues(shape: readonly number[], seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}

/** Runs `fn` on backend `name` and reads its outputs back (shape and values). */
export async function runOn(name: string, fn: () => tf.Tensor | tf.Tensor[]): Promise<{ shape: number[]; values: Float32Array }[]> {
  await tf.setBackend(name);
  const out = tf.tidy(() => {
    const r = fn();
    return Array.isArray(r) ? r : [r];
  });
  const res = await Promise.all(out.map(async (t) => ({ shape: t.shape, values: Float32Array.from(await t.data()) })));
  tf.dispose(out);
  return res;
}

/** Count of elements where got ≠ want and |got − want| > tol · (1 + |want|) (NaN must match NaN, ±Infinity itself). */
export function mismatches(got: Float32Array, want: Float32Array, tol: number): number {
  let bad = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const g = got[i];
    if (g === w) continue;
    if (Number.isNaN(w) ? !Number.isNaN(g) : !(Math.abs(g - w) <= tol * (1 + Math.abs(w)))) bad++;
  }
  return bad;
}
