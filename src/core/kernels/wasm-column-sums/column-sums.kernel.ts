/**
 * The column-sums op ('WorkbenchColumnSums', `[B, M, C]` → `[B, 1, C]`, float32) for the `wasm` backend:
 * one pass over the rows with float64 accumulators, instead of the matrix product with a row of ones that
 * other CPU backends compute (which allocates and fills the ones, and was most of the BatchMatMul time of
 * a `small` training step, bench/results/wasm-profile.json).
 */
import type * as tf from '@tensorflow/tfjs';
import { COLUMN_SUMS_KERNEL } from '../column-sums/column-sums.kernel';
import { valuesOf, wasmKernel } from '../wasm-common/kernel';

/** Column sums of `v` laid out as [B, M, C] (row-major). */
export function columnSumsRows(v: ArrayLike<number>, b: number, m: number, c: number): Float32Array {
  const out = new Float32Array(b * c);
  const acc = new Float64Array(c);
  for (let k = 0; k < b; k++) {
    acc.fill(0);
    let at = k * m * c;
    for (let r = 0; r < m; r++, at += c) for (let j = 0; j < c; j++) acc[j] += v[at + j];
    out.set(acc, k * c);
  }
  return out;
}

export const wasmColumnSumsConfig = wasmKernel<{ x: tf.TensorInfo }>(
  COLUMN_SUMS_KERNEL,
  ({ b: be, inputs: { x } }) => {
    const [b, m, c] = x.shape;
    return be.makeTensorInfo([b, 1, c], 'float32', columnSumsRows(valuesOf(be, x), b, m, c));
  },
  { allDtypes: true },
);
