/**
 * PadV2 and Tile for the `wasm` backend, float32: both write copies of the input into a larger output.
 * tfjs-cpu computes every output element's source through index arithmetic on arrays (PadV2) or a
 * TensorBuffer (Tile); here whole runs of the innermost axis are copied (`set` for long runs, a loop for
 * short ones). No arithmetic, so it stays in JavaScript. Other dtypes go to tfjs-cpu's kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { valuesOf, WASM_BACKEND_NAME, type WasmKernelBackend } from '../wasm-conv3d/conv3d-wasm.kernel';

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

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
  const run = shape[r - 1];
  const idx = new Array<number>(r - 1).fill(0);
  let o = base;
  const longRun = run >= 64;
  for (let i = 0; i < x.length; i += run) {
    if (longRun) out.set(x.subarray(i, i + run), o);
    else for (let j = 0; j < run; j++) out[o + j] = x[i + j];
    for (let d = r - 2; d >= 0; d--) {
      o += os[d];
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
      o -= os[d] * shape[d];
    }
  }
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
  const longRun = w >= 64;
  for (let o = 0; o < total; o += w * rep) {
    for (let t = 0; t < rep; t++) {
      const dst = o + t * w;
      if (longRun) out.set(x.subarray(src, src + w), dst);
      else for (let j = 0; j < w; j++) out[dst + j] = x[src + j];
    }
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

export const wasmPadV2Config: tf.KernelConfig = {
  kernelName: tf.PadV2,
  backendName: WASM_BACKEND_NAME,
  kernelFunc: (args) => {
    const b = args.backend as WasmKernelBackend;
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const { paddings, constantValue } = args.attrs as unknown as { paddings: [number, number][]; constantValue: number };
    if (x.dtype !== 'float32') return tf.getKernel(tf.PadV2, 'cpu')!.kernelFunc(args);
    const outShape = x.shape.map((n, i) => n + paddings[i][0] + paddings[i][1]);
    return b.makeTensorInfo(outShape, 'float32', padF32(valuesOf(b, x), x.shape, paddings, constantValue));
  },
};

export const wasmTileConfig: tf.KernelConfig = {
  kernelName: tf.Tile,
  backendName: WASM_BACKEND_NAME,
  kernelFunc: (args) => {
    const b = args.backend as WasmKernelBackend;
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const { reps } = args.attrs as unknown as { reps: number[] };
    if (x.dtype !== 'float32') return tf.getKernel(tf.Tile, 'cpu')!.kernelFunc(args);
    const outShape = x.shape.map((n, i) => n * reps[i]);
    return b.makeTensorInfo(outShape, 'float32', tileF32(valuesOf(b, x), x.shape, reps));
  },
};

/** The padding and tiling kernels of the `wasm` backend. */
export const WASM_PAD_CONFIGS: readonly tf.KernelConfig[] = [wasmPadV2Config, wasmTileConfig];
