/**
 * BatchMatMul for the `wasm` backend, float32, both transposes, batch broadcast as tfjs-cpu does it
 * (batch index modulo each side's batch). The engine's shapes are tall and thin: column sums
 * `ones[B,1,M] · x[B,M,C]` (batch norm, losses) and dense layers `[M,Ci]·[Ci,Co]` with M in the tens of
 * thousands and Ci, Co ≤ a few hundred. tfjs-cpu walks B with a stride of C in its inner loop; here the
 * loop order keeps the innermost access contiguous (i-k-j with a row of float64 accumulators when B is
 * not transposed, dot products over k when it is), and a row of ones is a plain column sum.
 * Accumulation is in float64 (tfjs-cpu: float64 within blocks of 48, float32 between).
 *
 * Large products (at least 16 rows and 32 768 multiply-adds per batch entry) run on WebAssembly SIMD
 * over the thread pool instead, as 1×1×1 convolutions of the conv3d kernels: A·B is conv3d of A viewed
 * as `[1, M, 1, 1, K]` with B as a `[1,1,1,K,N]` filter (Bᵀ is transposed first, it is the small weight
 * matrix), and Aᵀ·B is the filter gradient of x = A, dy = B. Float32 accumulation there.
 */
import * as tf from '@tensorflow/tfjs';
import { conv3dGeometry } from '../conv3d-common/geometry';
import { valuesOf, wasmKernel } from '../wasm-common/kernel';
import { conv3dBackpropFilterWasm, conv3dWasm } from '../wasm-conv3d/conv3d-wasm';
import type { WasmRuntime } from '../wasm-conv3d/runtime';

export interface MatMulDims {
  batch: number;
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
}

function allOnes(a: Float32Array, off: number, len: number): boolean {
  for (let i = off; i < off + len; i++) if (a[i] !== 1) return false;
  return true;
}

/** out[bi] = op(A[bi % batchA]) · op(B[bi % batchB]), row-major. */
export function matMulF32(a: Float32Array, b: Float32Array, d: MatMulDims): Float32Array {
  const { m, k, n } = d;
  const out = new Float32Array(d.batch * m * n);
  const acc = new Float64Array(n);
  const aOuter = d.transposeA ? 1 : k;
  const aInner = d.transposeA ? m : 1;
  for (let bi = 0; bi < d.batch; bi++) {
    const aBase = (bi % d.batchA) * m * k;
    const bBase = (bi % d.batchB) * k * n;
    for (let i = 0; i < m; i++) {
      const o = (bi * m + i) * n;
      if (!d.transposeB) {
        acc.fill(0);
        const onesRow = aInner === 1 && allOnes(a, aBase + i * aOuter, k);
        for (let kk = 0; kk < k; kk++) {
          const bRow = bBase + kk * n;
          if (onesRow) {
            for (let j = 0; j < n; j++) acc[j] += b[bRow + j];
          } else {
            const av = a[aBase + i * aOuter + kk * aInner];
            if (av === 0) continue;
            for (let j = 0; j < n; j++) acc[j] += av * b[bRow + j];
          }
        }
        for (let j = 0; j < n; j++) out[o + j] = acc[j];
      } else {
        for (let j = 0; j < n; j++) {
          const bRow = bBase + j * k;
          let s = 0;
          if (aInner === 1) {
            const aRow = aBase + i * aOuter;
            for (let kk = 0; kk < k; kk++) s += a[aRow + kk] * b[bRow + kk];
          } else {
            for (let kk = 0; kk < k; kk++) s += a[aBase + i * aOuter + kk * aInner] * b[bRow + kk];
          }
          out[o + j] = s;
        }
      }
    }
  }
  return out;
}

/** Whether `matMulWasm` takes this product (else `matMulF32`). */
export function usesWasm(d: MatMulDims): boolean {
  return !(d.transposeA && d.transposeB) && (d.transposeA ? d.k : d.m) >= 16 && d.m * d.k * d.n >= 32768;
}

function transpose2d(x: Float32Array, off: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[off + r * cols + c];
  return out;
}

/** The same products as `matMulF32` on the WebAssembly conv3d kernels (not both transposed). */
export function matMulWasm(rt: WasmRuntime, a: Float32Array, b: Float32Array, d: MatMulDims): Float32Array {
  const { m, k, n } = d;
  if (d.transposeA && d.transposeB) throw new Error('matMulWasm: both transposed is not supported');
  const out = new Float32Array(d.batch * m * n);
  for (let bi = 0; bi < d.batch; bi++) {
    const aOff = (bi % d.batchA) * m * k;
    const bOff = (bi % d.batchB) * k * n;
    const av = a.subarray(aOff, aOff + m * k);
    let y: Float32Array;
    if (d.transposeA) {
      // A is [k, m]: Aᵀ·B = Σ_r A[r, :]ᵀ B[r, :], the 1×1×1 filter gradient over k rows.
      const g = conv3dGeometry([1, k, 1, 1, m], [1, 1, 1, m, n], 1, 1, 'valid');
      y = conv3dBackpropFilterWasm(rt, av, b.subarray(bOff, bOff + k * n), g);
    } else {
      const w = d.transposeB ? transpose2d(b, bOff, n, k) : b.subarray(bOff, bOff + k * n);
      const g = conv3dGeometry([1, m, 1, 1, k], [1, 1, 1, k, n], 1, 1, 'valid');
      y = conv3dWasm(rt, av, w, g);
    }
    out.set(y, bi * m * n);
  }
  return out;
}

export const wasmBatchMatMulConfig = wasmKernel<{ a: tf.TensorInfo; b: tf.TensorInfo }, { transposeA: boolean; transposeB: boolean }>(tf.BatchMatMul, ({ b: be, inputs: { a, b }, attrs: { transposeA, transposeB } }) => {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) throw new Error(`matMul: inner sizes ${k} and ${kb} of shapes [${a.shape}] and [${b.shape}] (transposeA=${transposeA}, transposeB=${transposeB}) must match`);
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const d: MatMulDims = { batch, batchA, batchB, m, k, n, transposeA, transposeB };
  const y = usesWasm(d) ? matMulWasm(be.runtime, valuesOf(be, a), valuesOf(be, b), d) : matMulF32(valuesOf(be, a), valuesOf(be, b), d);
  return be.makeTensorInfo([...outer, m, n], 'float32', y);
});

/** The matrix-product kernels of the `wasm` backend. */
export const WASM_MATMUL_CONFIGS: readonly tf.KernelConfig[] = [wasmBatchMatMulConfig];
