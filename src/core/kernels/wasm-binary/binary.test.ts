/**
 * The `wasm` backend's broadcasting binary kernels agree with tfjs-cpu's for the same inputs: every op,
 * equal shapes, [1,1,1,1,C] parameters on 5-D NDHWC tensors (C not a multiple of 4), broadcasts on
 * inner, middle and outer axes, both sides, scalars and rank differences. Tolerance: exact for
 * Add/Sub/Multiply/Maximum/Minimum/SquaredDifference (same float32 arithmetic), 1e-6 relative for RealDiv.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectCpuFallback, expectWasmMatchesCpu, onWasmBackend, randomValues } from '../../../testing/wasm-parity';
import { collapseBroadcast, WASM_BINARY_CONFIGS } from './binary.kernel';

type BinOp = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
const OPS: { name: string; f: BinOp; tol: number }[] = [
  { name: 'add', f: tf.add, tol: 0 },
  { name: 'sub', f: tf.sub, tol: 0 },
  { name: 'mul', f: tf.mul, tol: 0 },
  { name: 'div', f: tf.div, tol: 1e-6 },
  { name: 'maximum', f: tf.maximum, tol: 0 },
  { name: 'minimum', f: tf.minimum, tol: 0 },
  { name: 'squaredDifference', f: tf.squaredDifference, tol: 0 },
];

const SHAPES: { name: string; a: number[]; b: number[] }[] = [
  { name: 'equal 5-D', a: [2, 3, 4, 5, 7], b: [2, 3, 4, 5, 7] },
  { name: '5-D ⊙ [1,1,1,1,C], C=7', a: [2, 3, 4, 5, 7], b: [1, 1, 1, 1, 7] },
  { name: '[1,1,1,1,C] ⊙ 5-D, C=5', a: [1, 1, 1, 1, 5], b: [2, 3, 3, 3, 5] },
  { name: '2-D ⊙ [1,C]', a: [37, 6], b: [1, 6] },
  { name: '2-D ⊙ [M,1]', a: [37, 6], b: [37, 1] },
  { name: 'middle axis broadcast', a: [3, 1, 5, 2], b: [3, 4, 5, 2] },
  { name: 'both sides broadcast', a: [3, 1, 5], b: [1, 4, 5] },
  { name: 'outer product', a: [6, 1], b: [1, 9] },
  { name: 'scalar right', a: [4, 3, 5], b: [] },
  { name: 'scalar left', a: [], b: [2, 9] },
  { name: 'rank difference 1-D C', a: [2, 2, 2, 3, 3], b: [3] },
  { name: 'size-1 axes kept', a: [1, 4, 1, 3], b: [1, 4, 1, 3] },
  { name: 'long inner run', a: [3, 300], b: [3, 300] },
];

describe('wasm binary kernels', () => {
  onWasmBackend(WASM_BINARY_CONFIGS);

  const cases = OPS.flatMap((op) => SHAPES.map((s) => ({ ...s, op: op.name, f: op.f, tol: op.tol })));
  it.each(cases)('$op: $name matches tfjs-cpu', async (c) => {
    const av = randomValues(c.a, 1);
    const bv = randomValues(c.b, 2, 0.5, 2); // positive, away from 0, for div
    if (c.op === 'maximum' || c.op === 'minimum') av[0] = NaN;
    await expectWasmMatchesCpu(() => c.f(tf.tensor(av, c.a), tf.tensor(bv, c.b)), c.tol, { nonzero: true });
  });

  it('int32 inputs fall back to tfjs-cpu and keep their dtype', async () => {
    await expectCpuFallback(() => tf.add(tf.tensor([1, 2, 3], [3], 'int32'), tf.tensor([[10], [20]], [2, 1], 'int32')), 'int32', [11, 12, 13, 21, 22, 23]);
  });

  it('collapses a [N,D,H,W,C] ⊙ [1,1,1,1,C] broadcast to rows of C', () => {
    expect(collapseBroadcast([2, 3, 4, 5, 7], [1, 1, 1, 1, 7], [2, 3, 4, 5, 7])).toEqual({ dims: [120, 7], sa: [7, 1], sb: [0, 1] });
    expect(collapseBroadcast([2, 3, 4], [2, 3, 4], [2, 3, 4])).toEqual({ dims: [24], sa: [1], sb: [1] });
  });
});
