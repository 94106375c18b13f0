/**
 * Slice and SplitV for the `wasm` backend, float32: a strided copy of contiguous runs. tfjs-cpu copies
 * a non-contiguous slice (e.g. channels of an NDHWC tensor, the gradient of a channel concat) element
 * by element through TensorBuffer index arithmetic; here the trailing axes the slice takes whole are
 * merged into one run, copied with `set` (long runs) or a loop (short ones). Memory-bound and without
 * arithmetic, so it stays in JavaScript. Contiguous slices and other dtypes go to tfjs-cpu's kernel
 * (which shares the input's storage for contiguous ones).
 */
import * as tf from '@tensorflow/tfjs';
import { copyRuns, stridesOf, valuesOf, wasmKernel } from '../wasm-common/kernel';

/** `x[begin : begin + size]` of a row-major tensor of `shape`. */
export function sliceF32(x: Float32Array, shape: readonly number[], begin: readonly number[], size: readonly number[]): Float32Array {
  const r = shape.length;
  const total = size.reduce((a, b) => a * b, 1);
  const out = new Float32Array(total);
  if (total === 0) return out;
  // Merge the innermost axes the slice takes whole into one run.
  let k = r - 1;
  let run = size[k];
  while (k > 0 && size[k] === shape[k]) {
    k--;
    run *= size[k];
  }
  // Axes 0..k-1 are iterated; axis k's run starts at begin[k]·stride.
  const strides = stridesOf(shape);
  let off = 0;
  for (let i = 0; i <= k; i++) off += begin[i] * strides[i];
  copyRuns(out, 0, stridesOf(size).slice(0, k), x, off, strides.slice(0, k), size.slice(0, k), run);
  return out;
}

/** Whether the slice is one contiguous range of the input (tfjs-cpu then shares the storage). */
function isContinuous(shape: readonly number[], begin: readonly number[], size: readonly number[]): boolean {
  let first = size.findIndex((s) => s > 1);
  if (first < 0) first = size.length;
  for (let i = first + 1; i < size.length; i++) if (begin[i] > 0 || size[i] !== shape[i]) return false;
  return true;
}

export const wasmSliceConfig = wasmKernel<{ x: tf.TensorInfo }, { begin: number | number[]; size: number | number[] }>(tf.Slice, ({ b, inputs: { x }, attrs, cpu }) => {
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
  if (isContinuous(x.shape, begin, size)) return cpu();
  tf.slice_util.assertParamsValid(x, begin, size);
  return b.makeTensorInfo(size, 'float32', sliceF32(valuesOf(b, x), x.shape, begin, size));
});

export const wasmSplitVConfig = wasmKernel<{ x: tf.TensorInfo }, { numOrSizeSplits: number | number[]; axis: number }>(tf.SplitV, ({ b, inputs: { x }, attrs }) => {
  const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  const xv = valuesOf(b, x);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const out = b.makeTensorInfo(size, 'float32', sliceF32(xv, x.shape, begin, size));
    begin[axis] += s;
    return out;
  });
});

/** The slicing kernels of the `wasm` backend. */
export const WASM_SLICE_CONFIGS: readonly tf.KernelConfig[] = [wasmSliceConfig, wasmSplitVConfig];
