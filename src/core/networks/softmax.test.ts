import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import { logSoftmaxRows, rowMax, softmaxRows } from './softmax';
import { randomValues, valuesAndGradient } from '../../testing/grad-check';

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

  it.each(cases)('$name $shape', async ({ name, f, shape, out }) => {
    const b = await webgpuForTests();
    const n = shape.reduce((a, c) => a * c, 1);
    const x = randomValues(n, n);
    const r = randomValues(out.reduce((a, c) => a * c, 1), 7, 1);
    await b.run(`${name} parity`, async () => {
      const gpu = await valuesAndGradient(f, x, shape, r, out);
      await tf.setBackend('cpu');
      const cpu = await valuesAndGradient(builtin[name], x, shape, r, out);
      await tf.setBackend('webgpu');
      const close = (a: number[], e: number[]) => a.forEach((v, i) => expect(Math.abs(v - e[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(e[i]))));
      close(gpu.y, cpu.y);
      if (name !== 'rowMax') close(gpu.g, cpu.g); // rowMax is not differentiated (used only as a shift)
      expect(gpu.y.some((v) => v !== 0)).toBe(true);
    });
  });

  it('logSoftmaxRows stays finite for logits of ±1000', async () => {
    await webgpuForTests();
    const z = tf.tensor([[1000, 0], [-1000, 1000]]);
    expect(Array.from(await logSoftmaxRows(z as tf.Tensor2D).data())).toEqual([0, -1000, -2000, 0]);
  });
});
