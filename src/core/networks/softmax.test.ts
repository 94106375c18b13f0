import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import { logSoftmaxRows, rowMax, softmaxRows } from './softmax';
import { expectMatchesBuiltin } from '../../testing/grad-check';

const cases = [
  { name: 'logSoftmaxRows', f: (x: tf.Tensor) => logSoftmaxRows(x as tf.Tensor2D), shape: [1000, 4], out: [1000, 4] },
  { name: 'softmaxRows', f: (x: tf.Tensor) => softmaxRows(x as tf.Tensor2D), shape: [1000, 3], out: [1000, 3] },
  { name: 'rowMax', f: (x: tf.Tensor) => rowMax(x as tf.Tensor2D), shape: [1500, 5], out: [1500, 1] },
];

describe('softmax helpers: WebGPU against tfjs built-ins on the CPU (tolerance 1e-5 relative)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const builtin: Record<string, (x: tf.Tensor) => tf.Tensor> = {
    logSoftmaxRows: (x) => tf.logSoftmax(x),
    softmaxRows: (x) => tf.softmax(x),
    rowMax: (x) => tf.max(x, 1, true),
  };

  // rowMax is not differentiated (used only as a shift).
  it.each(cases)('$name $shape', async ({ name, f, shape, out }) => {
    await expectMatchesBuiltin(await webgpuForTests(), { name, f, builtin: builtin[name], shape, out, gradient: name !== 'rowMax' });
  });

  it('logSoftmaxRows stays finite for logits of ±1000', async () => {
    await webgpuForTests();
    const z = tf.tensor([[1000, 0], [-1000, 1000]]);
    expect(Array.from(await logSoftmaxRows(z as tf.Tensor2D).data())).toEqual([0, -1000, -2000, 0]);
  });
});
