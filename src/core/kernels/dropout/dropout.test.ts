import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../../testing/gpu';
import { Rng } from '../../random';
import { dropout } from './dropout.kernel';
import { dropoutMaskReference } from './dropout.reference';

/** Values with −0 read as +0 (x · 0 is −0 for negative x on the CPU; the kernel writes +0). */
const plain = (a: ArrayLike<number>) => Array.from(a, (v) => v + 0);

describe('hash dropout reference', () => {
  it('keeps 1 − rate of the elements (within 4σ) and scales them by 1/(1 − rate)', () => {
    for (const rate of [0.1, 0.5, 0.8]) {
      const n = 200_000;
      const mask = dropoutMaskReference(n, rate, 12345);
      const kept = mask.filter((v) => v !== 0);
      const sigma = Math.sqrt(n * rate * (1 - rate));
      expect(Math.abs(kept.length - n * (1 - rate))).toBeLessThan(4 * sigma);
      expect(new Set(kept).size).toBe(1);
      expect(kept[0]).toBeCloseTo(1 / (1 - rate), 6);
    }
  });

  it('the same seed gives the same mask, another seed a different one; neighbours are not correlated', () => {
    const a = dropoutMaskReference(10_000, 0.5, 1);
    expect(Array.from(dropoutMaskReference(10_000, 0.5, 1))).toEqual(Array.from(a));
    const b = dropoutMaskReference(10_000, 0.5, 2);
    const agree = a.reduce((s, v, i) => s + (v === b[i] ? 1 : 0), 0);
    expect(Math.abs(agree - 5000)).toBeLessThan(4 * 50); // independent masks agree on half
    const same = a.reduce((s, v, i) => s + (i > 0 && v === a[i - 1] ? 1 : 0), 0);
    expect(Math.abs(same - 5000)).toBeLessThan(4 * 50);
  });
});

describe('dropout on real WebGPU matches the reference exactly', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const cases = [
    { shape: [4096, 8], rate: 0.5, seed: 1 },
    { shape: [2, 8, 8, 8, 3], rate: 0.25, seed: 0xdeadbeef },
    { shape: [1500], rate: 0.9, seed: 7 },
  ];
  it.each(cases)('$shape, rate $rate, seed $seed: forward and gradient', async ({ shape, rate, seed }) => {
    const b = await webgpuForTests();
    const n = shape.reduce((a, c) => a * c, 1);
    const rng = new Rng(seed);
    const x = Float32Array.from({ length: n }, () => rng.uniform(-2, 2));
    await b.run('dropout parity', async () => {
      const xT = tf.tensor(x, shape);
      const y = dropout(xT, rate, seed);
      const g = tf.grad((t: tf.Tensor) => tf.sum(dropout(t, rate, seed)))(xT);
      const [yv, gv] = [await y.data(), await g.data()];
      expect(tf.getBackend()).toBe('webgpu');
      const mask = dropoutMaskReference(n, rate, seed);
      const want = Float32Array.from(x, (v, i) => Math.fround(v * mask[i]));
      expect(plain(yv)).toEqual(plain(want));
      expect(Array.from(gv)).toEqual(Array.from(mask));
      expect(yv.some((v) => v !== 0)).toBe(true);
      tf.dispose([xT, y, g]);
    });
  });

  it('the CPU backend gives the same values as WebGPU', async () => {
    await webgpuForTests();
    const x = tf.randomUniform([3000], -1, 1, 'float32', 3);
    const xs = await x.data();
    const gpu = await dropout(x, 0.5, 99).data();
    await tf.setBackend('cpu');
    const cpu = await dropout(tf.tensor(xs), 0.5, 99).data();
    expect(plain(cpu)).toEqual(plain(gpu));
  });
});
