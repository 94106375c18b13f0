/**
 * PadV2 and Tile for the `wasm` backend, float32: both write copies of the input into a larger output.
 * tfjs-cpu computes every output element's source through index arithmetic on arrays (PadV2) or a
 * TensorBuffer (Tile); here whole runs of the innermost axis are copied (`set` for long runs, a loop for
 * short ones). No arithmetic, so it stays in JavaScript. Other dtypes go to tfjs-cpu's kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { copyRun, copyRuns, stridesOf, valuesOf, wasmKernel } from '../wasm-common/kernel';

/** `x` zero-… (or `value`-)padded by `paddings[i] = [before, after]` on each axis. */
export function padF32(x: Float32Array, shape: readonly number[], paddings: readonly (readonly [number, number])[], value: number): Float32Array {
  const r = shape.length;
  const outShape = shape.map((n, i) => n + paddings[i][0] + paddings[i][1]);
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  if (value !== 0) out.fill(value);
  if (x.length === 0) return out;
  if (r === 0) {
    out[0] = x[0];
    return out;
  }
  const os = stridesOf(outShape);
  let base = 0;
  for (let i = 0; i < r; i++) base += paddings[i][0] * os[i];
  // One run per row of the input's innermost axis, to the same row of the padded output.
  copyRuns(out, base, os.slice(0, -1), x, 0, stridesOf(shape).slice(0, -1), shape.slice(0, -1), shape[r - 1]);
  return out;
}

/** `x` repeated `reps[i]` times along each axis. */
export function tileF32(x: Float32Array, shape: readonly number[], reps: readonly number[]): Float32Array {
  const r = shape.length;
  const outShape = shape.map((n, i) => n * reps[i]);
  const total = outShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(total);
  if (total === 0) return out;
  if (r === 0) {
    out[0] = x[0];
    return out;
  }
  const xs = stridesOf(shape);
  const w = shape[r - 1];
  const rep = reps[r - 1];
  const idx = new Array<number>(r - 1).fill(0); // output index on the outer axes
  let src = 0; // input offset of the row at idx (idx[d] mod shape[d])
  for (let o = 0; o < total; o += w * rep) {
    for (let t = 0; t < rep; t++) copyRun(out, o + t * w, x, src, w);
    for (let d = r - 2; d >= 0; d--) {
      const n = shape[d];
      const cur = ++idx[d];
      if (cur < outShape[d]) {
        src += cur % n === 0 ? -(n - 1) * xs[d] : xs[d];
        break;
      }
      idx[d] = 0;
      src -= ((cur - 1) % n) * xs[d];
    }
  }
  return out;
}

export const wasmPadV2Config = wasmKernel<{ x: tf.TensorInfo }, { paddings: [number, number][]; constantValue: number }>(tf.PadV2, ({ b, inputs: { x }, attrs }) => {
  const outShape = x.shape.map((n, i) => n + attrs.paddings[i][0] + attrs.paddings[i][1]);
  return b.makeTensorInfo(outShape, 'float32', padF32(valuesOf(b, x), x.shape, attrs.paddings, attrs.constantValue));
});

export const wasmTileConfig = wasmKernel<{ x: tf.TensorInfo }, { reps: number[] }>(tf.Tile, ({ b, inputs: { x }, attrs: { reps } }) =>
  b.makeTensorInfo(
    x.shape.map((n, i) => n * reps[i]),
    'float32',
    tileF32(valuesOf(b, x), x.shape, reps),
  ),
);

/** The padding and tiling kernels of the `wasm` backend. */
export const WASM_PAD_CONFIGS: readonly tf.KernelConfig[] = [wasmPadV2Config, wasmTileConfig];
