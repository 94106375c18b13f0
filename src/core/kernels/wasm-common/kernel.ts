/**
 * What every kernel of the `wasm` backend (src/core/backend/wasm.ts) shares: the backend it runs on
 * (the CPU backend's tensor storage plus the WebAssembly runtime), reading a tensor's float32 values,
 * a kernel config whose other dtypes go to tfjs-cpu's kernel of the same name, the odometer over outer
 * axes, and the strided copy of contiguous runs that the slicing, padding and tiling kernels make.
 */
import * as tf from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { WasmRuntime } from '../wasm-conv3d/runtime';

/** What a `wasm` kernel needs of its backend: the CPU backend's tensor storage plus the runtime. */
export interface WasmKernelBackend extends MathBackendCPU {
  readonly runtime: WasmRuntime;
}

export const WASM_BACKEND_NAME = 'wasm';

/** The float32 values of a tensor held by the backend (converted if stored as another dtype). */
export function valuesOf(backend: WasmKernelBackend, t: tf.TensorInfo): Float32Array {
  const v = backend.data.get(t.dataId).values as ArrayLike<number>;
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

/** What a kernel's body gets: the backend, its inputs and attributes by name, and tfjs-cpu's kernel on the same call. */
export interface WasmKernelCall<I, A> {
  b: WasmKernelBackend;
  inputs: I;
  attrs: A;
  /** The same call on tfjs-cpu's kernel (for cases the body leaves to it). */
  cpu: () => tf.TensorInfo | tf.TensorInfo[];
}

/**
 * The config of kernel `kernelName` on the `wasm` backend. Unless `allDtypes`, a call with an input that
 * is not float32 goes to tfjs-cpu's kernel of the same name (looked up on first use); `body` runs the rest.
 */
export function wasmKernel<I extends Record<string, tf.TensorInfo>, A = unknown>(kernelName: string, body: (call: WasmKernelCall<I, A>) => tf.TensorInfo | tf.TensorInfo[], opts: { allDtypes?: boolean } = {}): tf.KernelConfig {
  let cpuFunc: tf.KernelFunc | undefined;
  return {
    kernelName,
    backendName: WASM_BACKEND_NAME,
    kernelFunc: (args) => {
      const cpu = () => {
        cpuFunc ??= tf.getKernel(kernelName, 'cpu')!.kernelFunc;
        return cpuFunc(args);
      };
      const inputs = args.inputs as unknown as I;
      if (!opts.allDtypes && Object.values(inputs).some((t) => t.dtype !== 'float32')) return cpu();
      return body({ b: args.backend as WasmKernelBackend, inputs, attrs: args.attrs as unknown as A, cpu });
    },
  };
}

/** Row-major element strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** out[o .. o + n) = x[s .. s + n): `set` for long runs, a loop for short ones. */
export function copyRun(out: Float32Array, o: number, x: Float32Array, s: number, n: number): void {
  if (n >= 64) out.set(x.subarray(s, s + n), o);
  else for (let j = 0; j < n; j++) out[o + j] = x[s + j];
}

/**
 * Calls `visit(a, b)` for every index i of the axes `dims` (outermost first, the last fastest), with the
 * offsets a = a0 + Σ i·sa and b = b0 + Σ i·sb of two operands: an odometer, no per-index arithmetic.
 */
export function forEachOffset(dims: readonly number[], a0: number, sa: readonly number[], b0: number, sb: readonly number[], visit: (a: number, b: number) => void): void {
  const r = dims.length;
  const count = dims.reduce((x, y) => x * y, 1);
  const idx = new Array<number>(r).fill(0);
  let a = a0;
  let b = b0;
  for (let c = 0; c < count; c++) {
    visit(a, b);
    for (let d = r - 1; d >= 0; d--) {
      a += sa[d];
      b += sb[d];
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
      a -= sa[d] * dims[d];
      b -= sb[d] * dims[d];
    }
  }
}

/**
 * Copies one run of `run` elements for every index i of the axes `dims` (outermost first): from
 * x[s0 + Σ i·xs] to out[o0 + Σ i·os].
 */
export function copyRuns(out: Float32Array, o0: number, os: readonly number[], x: Float32Array, s0: number, xs: readonly number[], dims: readonly number[], run: number): void {
  forEachOffset(dims, o0, os, s0, xs, (o, s) => copyRun(out, o, x, s, run));
}
