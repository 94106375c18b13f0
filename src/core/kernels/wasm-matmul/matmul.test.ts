/**
 * The `wasm` backend's BatchMatMul agrees with tfjs-cpu's for the same inputs: column sums (a row of
 * ones, the engine's channel sums), dense-layer shapes, all four transpose combinations, batch
 * broadcast, sizes not multiples of 4; small products on the TypedArray loops, large ones on the
 * WebAssembly conv3d kernels. Tolerance: |wasm − cpu| ≤ 1e-5 · (1 + |cpu|) per element on the loops
 * (float64 accumulation), 1e-4 · (1 + |cpu|) on WebAssembly (float32 sums of up to 700 terms).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, onWasmBackend, randomValues } from '../../../testing/wasm-parity';
import { usesWasm, WASM_MATMUL_CONFIGS } from './matmul.kernel';

const CASES: { name: string; a: number[]; b: number[]; ta: boolean; tb: boolean; ones?: boolean; wasm?: boolean }[] = [
  { name: 'WebAssembly: dense [M,Ci]·[Ci,Co]', a: [700, 24], b: [24, 10], ta: false, tb: false, wasm: true },
  { name: 'WebAssembly: input grad [M,Co]·[Ci,Co]ᵀ', a: [700, 10], b: [25, 10], ta: false, tb: true, wasm: true },
  { name: 'WebAssembly: weight grad [M,Ci]ᵀ·[M,Co]', a: [700, 23], b: [700, 10], ta: true, tb: false, wasm: true },
  { name: 'WebAssembly: batched with broadcast B', a: [3, 300, 17], b: [1, 17, 13], ta: false, tb: false, wasm: true },
  { name: 'WebAssembly: one output column', a: [40000, 3], b: [3, 1], ta: false, tb: false, wasm: true },
  { name: 'column sums ones[1,1,M]·x[1,M,C]', a: [1, 1, 3001], b: [1, 3001, 7], ta: false, tb: false, ones: true },
  { name: 'batched column sums', a: [3, 1, 257], b: [3, 257, 5], ta: false, tb: false, ones: true },
  { name: 'dense [M,Ci]·[Ci,Co]', a: [203, 13], b: [13, 9], ta: false, tb: false },
  { name: 'dense input grad [M,Co]·[Ci,Co]ᵀ', a: [203, 9], b: [13, 9], ta: false, tb: true },
  { name: 'dense weight grad [M,Ci]ᵀ·[M,Co]', a: [203, 13], b: [203, 9], ta: true, tb: false },
  { name: 'both transposed', a: [11, 6], b: [5, 11], ta: true, tb: true },
  { name: 'batch broadcast A', a: [1, 6, 7], b: [4, 7, 5], ta: false, tb: false },
  { name: 'batch broadcast B, transposed', a: [4, 6, 7], b: [1, 5, 7], ta: false, tb: true },
  { name: 'rank 4', a: [2, 3, 4, 5], b: [2, 3, 5, 6], ta: false, tb: false },
  { name: 'vector times matrix', a: [1, 33], b: [33, 3], ta: false, tb: false },
];

describe('wasm matMul kernel', () => {
  onWasmBackend(WASM_MATMUL_CONFIGS);

  it.each(CASES)('$name matches tfjs-cpu', async (c) => {
    const av = c.ones ? new Float32Array(c.a.reduce((x, y) => x * y, 1)).fill(1) : randomValues(c.a, 7);
    const bv = randomValues(c.b, 8);
    const rank = c.a.length;
    const [m, k] = c.ta ? [c.a[rank - 1], c.a[rank - 2]] : [c.a[rank - 2], c.a[rank - 1]];
    const n = c.tb ? c.b[c.b.length - 2] : c.b[c.b.length - 1];
    expect(usesWasm({ batch: 1, batchA: 1, batchB: 1, m, k, n, transposeA: c.ta, transposeB: c.tb })).toBe(c.wasm === true);
    await expectWasmMatchesCpu(() => tf.matMul(tf.tensor(av, c.a), tf.tensor(bv, c.b), c.ta, c.tb), c.wasm ? 1e-4 : 1e-5, { nonzero: true });
  });

  it('names the shapes when the inner sizes differ', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.engine().runKernel(tf.BatchMatMul, { a: tf.zeros([1, 2, 3]), b: tf.zeros([1, 4, 5]) }, { transposeA: false, transposeB: false })).toThrow(/inner sizes 3 and 4/);
  });
});
