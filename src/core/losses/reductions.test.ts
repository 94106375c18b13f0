import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import { sumLastAxis, sumMiddleAxis } from './reductions';
import { randomValues, valuesAndGradient } from '../../testing/grad-check';

const cases = [
  { name: 'sumLastAxis', f: (x: tf.Tensor) => sumLastAxis(x as tf.Tensor2D), shape: [1200, 3], out: [1200, 1] },
  { name: 'sumMiddleAxis', f: (x: tf.Tensor) => sumMiddleAxis(x as tf.Tensor3D), shape: [2, 700, 3], out: [2, 1, 3] },
];

describe('loss reductions: WebGPU against tfjs built-ins on the CPU (tolerance 1e-5 relative)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const builtin: Record<string, (x: tf.Tensor) => tf.Tensor> = {
    sumLastAxis: (x) => tf.sum(x, 1, true),
    sumMiddleAxis: (x) => tf.sum(x, 1, true),
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
      close(gpu.g, cpu.g);
      expect(gpu.y.some((v) => v !== 0)).toBe(true);
    });
  });
});
