import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../../testing/gpu';
import { Rng } from '../../random';
import { columnSums, columnSumsOp } from './column-sums.kernel';
import { columnSumsReference } from './column-sums.reference';

function random(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

describe('column sums on real WebGPU', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const cases: [number, number, number][] = [
    [1, 6912, 4], // a batch-norm layer of the tiny preset (3 passes: 6912 → 108 → 2 → 1)
    [2, 512, 3], // per-sample class sums of a loss
    [1, 64, 40], // exactly one group
    [3, 65, 5], // one row over a group boundary
    [1, 1, 1500], // a single row
    [1, 300_000, 12], // a paper-sized layer (scaled down), 4 passes
  ];
  it.each(cases)('[%i, %i, %i] equals the float32 reference in the same order exactly', async (b, m, c) => {
    const gpu = await webgpuForTests();
    const x = random(b * m * c, b * m + c);
    await gpu.run('column sums parity', async () => {
      const xT = tf.tensor3d(x, [b, m, c]);
      const y = columnSums(xT);
      expect(y.shape).toEqual([b, 1, c]);
      const v = await y.data();
      expect(Array.from(v)).toEqual(Array.from(columnSumsReference(x, b, m, c)));
      // …and the float64 sums within float32 accumulation error.
      for (let bb = 0; bb < b; bb++)
        for (let cc = 0; cc < c; cc++) {
          let s = 0;
          for (let r = 0; r < m; r++) s += x[(bb * m + r) * c + cc];
          expect(Math.abs(v[bb * c + cc] - s)).toBeLessThan(1e-6 * m + 1e-6);
        }
      tf.dispose([xT, y]);
    });
  });

  it('columnSumsOp: gradient broadcasts dy over the rows; the CPU path (matrix product) agrees', async () => {
    await webgpuForTests();
    const x = random(2 * 700 * 3, 1);
    const dy = random(6, 2);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(columnSumsOp(t as tf.Tensor3D), tf.tensor3d(dy, [2, 1, 3]))))(tf.tensor3d(x, [2, 700, 3]));
    const gv = await g.data();
    gv.forEach((v, i) => expect(v).toBe(dy[Math.floor(i / 2100) * 3 + (i % 3)]));
    const gpu = await columnSums(tf.tensor3d(x, [2, 700, 3])).data();
    await tf.setBackend('cpu');
    const cpu = await columnSums(tf.tensor3d(x, [2, 700, 3])).data();
    cpu.forEach((v, i) => expect(v).toBeCloseTo(gpu[i], 4));
  });
});
