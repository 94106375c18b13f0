/**
 * Element-wise binary ops with broadcasting (Add, Sub, Multiply, RealDiv, Maximum, Minimum,
 * SquaredDifference) for the `wasm` backend, float32 inputs. tfjs-cpu's broadcasting path allocates
 * index arrays per element (≈ 100 ns each); these are plain TypedArray loops: the broadcast is
 * collapsed to as few axes as it allows (a `[N,D,H,W,C] ⊙ [1,1,1,1,C]` becomes rows of C), the inner
 * axis runs with strides 0 or 1. They are memory-bound (one operation per element loaded), so copying
 * the operands into WebAssembly memory and the result out again would cost more than the arithmetic:
 * they stay in JavaScript (not compared against a WebAssembly version; see bench/wasm-profile.ts for
 * their measured time in a training step).
 * Other dtypes fall through to tfjs-cpu's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { forEachOffset, valuesOf, wasmKernel } from '../wasm-common/kernel';

const OPS = {
  [tf.Add]: 0,
  [tf.Sub]: 1,
  [tf.Multiply]: 2,
  [tf.RealDiv]: 3,
  [tf.Maximum]: 4,
  [tf.Minimum]: 5,
  [tf.SquaredDifference]: 6,
} as const;

type Op = (typeof OPS)[keyof typeof OPS];

// Maximum and Minimum as tfjs-cpu: NaN in `u` wins. Small enough for V8 to inline in the loops below.
const max = (u: number, v: number): number => (u > v || u !== u ? u : v);
const min = (u: number, v: number): number => (u < v || u !== u ? u : v);
const squaredDifference = (u: number, v: number): number => (u - v) * (u - v);

/**
 * `rows` rows of `n`: out[o + r·n + k] = a[ia + r·ra + k·sa] ⊙ b[ib + r·rb + k·sb]. One loop nest per op
 * (the op is chosen once per call, not per element).
 */
function block(op: Op, out: Float32Array, o: number, a: Float32Array, ia: number, ra: number, sa: number, b: Float32Array, ib: number, rb: number, sb: number, rows: number, n: number): void {
  switch (op) {
    case 0:
      for (let r = 0; r < rows; r++, ia += ra, ib += rb)
        for (let x = ia, y = ib, end = o + n; o < end; o++, x += sa, y += sb) out[o] = a[x] + b[y];
      return;
    case 1:
      for (let r = 0; r < rows; r++, ia += ra, ib += rb)
        for (let x = ia, y = ib, end = o + n; o < end; o++, x += sa, y += sb) out[o] = a[x] - b[y];
      return;
    case 2:
      for (let r = 0; r < rows; r++, ia += ra, ib += rb)
        for (let x = ia, y = ib, end = o + n; o < end; o++, x += sa, y += sb) out[o] = a[x] * b[y];
      return;
    case 3:
      for (let r = 0; r < rows; r++, ia += ra, ib += rb)
        for (let x = ia, y = ib, end = o + n; o < end; o++, x += sa, y += sb) out[o] = a[x] / b[y];
      return;
    case 4:
      for (let r = 0; r < rows; r++, ia += ra, ib += rb)
        for (let x = ia, y = ib, end = o + n; o < end; o++, x += sa, y += sb) out[o] = max(a[x], b[y]);
      return;
    case 5:
      for (let r = 0; r < rows; r++, ia += ra, ib += rb)
        for (let x = ia, y = ib, end = o + n; o < end; o++, x += sa, y += sb) out[o] = min(a[x], b[y]);
      return;
    case 6:
      for (let r = 0; r < rows; r++, ia += ra, ib += rb)
        for (let x = ia, y = ib, end = o + n; o < end; o++, x += sa, y += sb) out[o] = squaredDifference(a[x], b[y]);
      return;
  }
}

/**
 * The broadcast of `aShape` and `bShape` as a few collapsed axes: sizes and each operand's element
 * strides (0 on broadcast axes), outermost first.
 */
export function collapseBroadcast(aShape: readonly number[], bShape: readonly number[], outShape: readonly number[]): { dims: number[]; sa: number[]; sb: number[] } {
  const r = outShape.length;
  const pa = [...Array<number>(r - aShape.length).fill(1), ...aShape];
  const pb = [...Array<number>(r - bShape.length).fill(1), ...bShape];
  const dims: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  let ka = 1;
  let kb = 1;
  // From the innermost axis out; drop size-1 axes, merge an axis into the previous (inner) one when
  // both operands either run through both or broadcast over both.
  for (let i = r - 1; i >= 0; i--) {
    const n = outShape[i];
    if (n === 1) continue;
    const ta = pa[i] === 1 ? 0 : ka;
    const tb = pb[i] === 1 ? 0 : kb;
    const j = dims.length - 1;
    if (j >= 0 && (ta === 0) === (sa[j] === 0) && (tb === 0) === (sb[j] === 0) && (ta === 0 || ta === sa[j] * dims[j]) && (tb === 0 || tb === sb[j] * dims[j])) {
      dims[j] *= n;
    } else {
      dims.push(n);
      sa.push(ta);
      sb.push(tb);
    }
    if (pa[i] !== 1) ka *= pa[i];
    if (pb[i] !== 1) kb *= pb[i];
  }
  if (dims.length === 0) return { dims: [1], sa: [0], sb: [0] };
  return { dims: dims.reverse(), sa: sa.reverse(), sb: sb.reverse() };
}

/** `a ⊙ b` with broadcasting, float32. */
export function binaryF32(op: Op, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[], outShape: readonly number[]): Float32Array {
  const { dims, sa, sb } = collapseBroadcast(aShape, bShape, outShape);
  const size = dims.reduce((x, y) => x * y, 1);
  const out = new Float32Array(size);
  const r = dims.length;
  const n = dims[r - 1];
  if (r === 1) {
    block(op, out, 0, a, 0, 0, sa[0], b, 0, 0, sb[0], 1, n);
    return out;
  }
  // The two innermost axes as one block; an odometer over the axes outside them.
  const rows = dims[r - 2];
  let o = 0;
  forEachOffset(dims.slice(0, -2), 0, sa.slice(0, -2), 0, sb.slice(0, -2), (offA, offB) => {
    block(op, out, o, a, offA, sa[r - 2], sa[r - 1], b, offB, sb[r - 2], sb[r - 1], rows, n);
    o += rows * n;
  });
  return out;
}

function binaryConfig(kernelName: keyof typeof OPS): tf.KernelConfig {
  const op = OPS[kernelName];
  return wasmKernel<{ a: tf.TensorInfo; b: tf.TensorInfo }>(kernelName, ({ b, inputs: { a, b: bb } }) => {
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, bb.shape);
    return b.makeTensorInfo(outShape, 'float32', binaryF32(op, valuesOf(b, a), a.shape, valuesOf(b, bb), bb.shape, outShape));
  });
}

/** The binary element-wise kernels of the `wasm` backend. */
export const WASM_BINARY_CONFIGS: readonly tf.KernelConfig[] = (Object.keys(OPS) as (keyof typeof OPS)[]).map(binaryConfig);
