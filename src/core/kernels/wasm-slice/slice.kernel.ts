/**
 * Slice and SplitV for the `wasm` backend, float32: a strided copy of contiguous runs. tfjs-cpu copies
 * a non-contiguous slice (e.g. channels of an NDHWC tensor, the gradient of a channel concat) element
 * by element through TensorBuffer index arithmetic; here the trailing axes the slice takes whole are
 * merged into one run, copied with `set` (long runs) or a loop (short ones). Memory-bound and without
 * arithmetic, so it stays in JavaScript. Contiguous slices and other dtypes go to tfjs-cpu's kernel
 * (which shares the input's storage for contiguous ones).
 */
import * as tf from '@tensorflow/tfjs';
import { valuesOf, WASM_BACKEND_NAME, type WasmKernelBackend } from '../wasm-conv3d/conv3d-wasm.kernel';

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
  const strides = new Array<number>(r).fill(0);
  let s = 1;
  for (let i = r - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  let off = 0;
  for (let i = 0; i <= k; i++) off += begin[i] * strides[i];
  const idx = new Array<number>(k).fill(0);
  const longRun = run >= 64;
  for (let o = 0; o < total; o += run) {
    if (longRun) out.set(x.subarray(off, off + run), o);
    else for (let j = 0; j < run; j++) out[o + j] = x[off + j];
    for (let d = k - 1; d >= 0; d--) {
      off += strides[d];
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
      off -= strides[d] * size[d];
    }
  }
  return out;
}

/** Whether the slice is one contiguous range of the input (tfjs-cpu then shares the storage). */
function isContinuous(shape: readonly number[], begin: readonly number[], size: readonly number[]): boolean {
  let first = size.findIndex((s) => s > 1);
  if (first < 0) first = size.length;
  for (let i = first + 1; i < size.length; i++) if (begin[i] > 0 || size[i] !== shape[i]) return false;
  return true;
}

function cpuKernel(name: string): tf.KernelFunc {
  return tf.getKernel(name, 'cpu')!.kernelFunc;
}

export const wasmSliceConfig: tf.KernelConfig = {
  kernelName: tf.Slice,
  backendName: WASM_BACKEND_NAME,
  kernelFunc: (args) => {
    const b = args.backend as WasmKernelBackend;
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const a = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, a.begin, a.size);
    if (x.dtype !== 'float32' || isContinuous(x.shape, begin, size)) return cpuKernel(tf.Slice)(args);
    tf.slice_util.assertParamsValid(x, begin, size);
    return b.makeTensorInfo(size, 'float32', sliceF32(valuesOf(b, x), x.shape, begin, size));
  },
};

export const wasmSplitVConfig: tf.KernelConfig = {
  kernelName: tf.SplitV,
  backendName: WASM_BACKEND_NAME,
  kernelFunc: (args) => {
    const b = args.backend as WasmKernelBackend;
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const a = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    if (x.dtype !== 'float32') return cpuKernel(tf.SplitV)(args);
    const axis = tf.util.parseAxisParam(a.axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, a.numOrSizeSplits, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    const xv = valuesOf(b, x);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const out = b.makeTensorInfo(size, 'float32', sliceF32(xv, x.shape, begin, size));
      begin[axis] += s;
      return out;
    });
  },
};

/** The slicing kernels of the `wasm` backend. */
export const WASM_SLICE_CONFIGS: readonly tf.KernelConfig[] = [wasmSliceConfig, wasmSplitVConfig];
