/**
 * Parity helpers for the `wasm` backend's kernels: run the same function on tfjs-cpu and on `wasm`
 * (same inputs, made from the same seeded values on each backend) and compare element by element; the
 * set-up and the comparison every wasm kernel test makes.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '../core/backend/select';
import { Rng } from '../core/random';

/**
 * In a `describe` of wasm kernel tests: selects the `wasm` backend before the tests (expecting to get it),
 * and adds a test that `configs` are the kernels it runs.
 */
export function onWasmBackend(configs: readonly tf.KernelConfig[]): void {
  beforeAll(async () => {
    expect((await initBackend(['wasm'])).info.name).toBe('wasm');
  });
  it('are the kernels the wasm backend runs', () => {
    for (const c of configs) expect(tf.getKernel(c.kernelName, 'wasm')?.kernelFunc).toBe(c.kernelFunc);
  });
}

/**
 * Runs `fn` on tfjs-cpu (or `opts.cpu` there, an equivalent computation) and on `wasm`, and expects the
 * same outputs: as many, the same shapes and sizes, and no element off by more than `tol` (see
 * `mismatches`). `nonzero`: tfjs-cpu's first output must not be all zeros (so zeros cannot pass).
 * Returns both for further checks.
 */
export async function expectWasmMatchesCpu(fn: () => tf.Tensor | tf.Tensor[], tol: number, opts: { nonzero?: boolean; cpu?: () => tf.Tensor | tf.Tensor[] } = {}): Promise<{ want: { shape: number[]; values: Float32Array }[]; got: { shape: number[]; values: Float32Array }[] }> {
  const want = await runOn('cpu', opts.cpu ?? fn);
  const got = await runOn('wasm', fn);
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(g.shape).toEqual(want[i].shape);
    expect(g.values.length).toBe(want[i].values.length);
    expect(mismatches(g.values, want[i].values, tol)).toBe(0);
  });
  if (opts.nonzero) expect(want[0].values.some((v) => v !== 0)).toBe(true);
  return { want, got };
}

/** On `wasm`, `fn` (on inputs that are not float32) keeps `dtype` and gives `values`: tfjs-cpu's kernel took it. */
export async function expectCpuFallback(fn: () => tf.Tensor, dtype: tf.DataType, values: number[]): Promise<void> {
  await tf.setBackend('wasm');
  const y = fn();
  expect(y.dtype).toBe(dtype);
  expect(Array.from(await y.data())).toEqual(values);
  y.dispose();
}

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
