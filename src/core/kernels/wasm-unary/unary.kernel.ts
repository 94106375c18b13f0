/**
 * Element-wise unary ops for the `wasm` backend, float32: Relu, Step (the Relu gradient's mask), Neg,
 * Exp, Log, Sqrt, Rsqrt, Square, Abs. tfjs-cpu runs every unary op through one loop that calls the op
 * as a function per element (a call site shared by all ops, so not inlined); here each op has its own
 * loop. The same float64 `Math` functions, rounded to float32, so results are identical. Memory-bound,
 * so JavaScript rather than WebAssembly (no copy in and out). Other dtypes go to tfjs-cpu's kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { valuesOf, wasmKernel } from '../wasm-common/kernel';

const OPS = [tf.Relu, tf.Step, tf.Neg, tf.Exp, tf.Log, tf.Sqrt, tf.Rsqrt, tf.Square, tf.Abs] as const;
type UnaryName = (typeof OPS)[number];

/** `op(x)` element-wise; `alpha` is Step's value for x ≤ 0. */
export function unaryF32(name: UnaryName, x: Float32Array, alpha = 0): Float32Array {
  const n = x.length;
  const y = new Float32Array(n);
  switch (name) {
    case tf.Relu:
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v < 0 ? 0 : v; // NaN stays NaN, as Math.max(0, NaN)
      }
      break;
    case tf.Step:
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v > 0 ? 1 : v !== v ? NaN : alpha;
      }
      break;
    case tf.Neg:
      for (let i = 0; i < n; i++) y[i] = -x[i];
      break;
    case tf.Exp:
      for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]);
      break;
    case tf.Log:
      for (let i = 0; i < n; i++) y[i] = Math.log(x[i]);
      break;
    case tf.Sqrt:
      for (let i = 0; i < n; i++) y[i] = Math.sqrt(x[i]);
      break;
    case tf.Rsqrt:
      for (let i = 0; i < n; i++) y[i] = 1 / Math.sqrt(x[i]);
      break;
    case tf.Square:
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v * v;
      }
      break;
    case tf.Abs:
      for (let i = 0; i < n; i++) y[i] = Math.abs(x[i]);
      break;
  }
  return y;
}

function unaryConfig(name: UnaryName): tf.KernelConfig {
  return wasmKernel<{ x: tf.TensorInfo }, { alpha?: number }>(name, ({ b, inputs: { x }, attrs }) => {
    const alpha = name === tf.Step ? attrs.alpha! : 0;
    return b.makeTensorInfo(x.shape, 'float32', unaryF32(name, valuesOf(b, x), alpha));
  });
}

/** The unary element-wise kernels of the `wasm` backend. */
export const WASM_UNARY_CONFIGS: readonly tf.KernelConfig[] = OPS.map(unaryConfig);
