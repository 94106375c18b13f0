import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import { Rng } from '../random';
import { centreCrop, matchShortcut, padSpatial } from './blocks';
import { dense } from './dense';

type Shape5 = [number, number, number, number, number];

function random(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

/** Reference zero padding of D, H, W by `by` on each side (NDHWC). */
function padReference(x: Float32Array, [n, d, h, w, c]: Shape5, by: number): Float32Array {
  const [D, H, W] = [d + 2 * by, h + 2 * by, w + 2 * by];
  const out = new Float32Array(n * D * H * W * c);
  for (let b = 0; b < n; b++)
    for (let z = 0; z < d; z++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++)
          for (let k = 0; k < c; k++) out[((((b * D + z + by) * H + y + by) * W + xx + by) * c) + k] = x[((((b * d + z) * h + y) * w + xx) * c) + k];
  return out;
}

describe('block helpers on real WebGPU', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    { shape: [2, 5, 6, 7, 3] as Shape5, by: 2 },
    { shape: [1, 4, 4, 4, 20] as Shape5, by: 1 },
  ])('padSpatial $shape by $by equals the reference exactly (no 5-D pad)', async ({ shape, by }) => {
    const b = await webgpuForTests();
    const n = shape.reduce((a, c) => a * c, 1);
    const x = random(n, 3);
    await b.run('padSpatial', async () => {
      const y = padSpatial(tf.tensor(x, shape) as tf.Tensor5D, by);
      const v = await y.data();
      expect(Array.from(v)).toEqual(Array.from(padReference(x, shape, by)));
      expect(v.some((e) => e !== 0)).toBe(true);
      y.dispose();
    });
  });

  it('centreCrop: values are the centre; its gradient is the zero-padded upstream gradient', async () => {
    const b = await webgpuForTests();
    const shape: Shape5 = [2, 8, 8, 8, 3];
    await b.run('centreCrop gradient', async () => {
      const x = tf.tensor(random(3072, 5), shape) as tf.Tensor5D;
      const outShape: Shape5 = [2, 4, 4, 4, 3];
      const r = random(384, 6);
      const rT = tf.tensor(r, outShape);
      const crop = centreCrop(x, 2);
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(centreCrop(xx as tf.Tensor5D, 2), rT)))(x);
      const ref = await tf.slice(x, [0, 2, 2, 2, 0], outShape).data();
      expect(Array.from(await crop.data())).toEqual(Array.from(ref));
      expect(Array.from(await g.data())).toEqual(Array.from(padReference(r, outShape, 2)));
      tf.dispose([x, rT, crop, g]);
    });
  });

  it('matchShortcut widens with zero channels when the block grows channels', async () => {
    await webgpuForTests();
    const x = tf.tensor(random(2 * 6 * 6 * 6 * 4, 8), [2, 6, 6, 6, 4]) as tf.Tensor5D;
    const like = tf.zeros([2, 2, 2, 2, 7]) as tf.Tensor5D;
    const s = matchShortcut(x, like);
    expect(s.shape).toEqual([2, 2, 2, 2, 7]);
    const sv = await s.data();
    const cv = await tf.slice(x, [0, 2, 2, 2, 0], [2, 2, 2, 2, 4]).data();
    for (let i = 0; i < 16; i++) {
      for (let k = 0; k < 4; k++) expect(sv[i * 7 + k]).toBe(cv[i * 4 + k]);
      for (let k = 4; k < 7; k++) expect(sv[i * 7 + k]).toBe(0);
    }
    tf.dispose([x, like, s]);
  });

  it('dense: value and gradients equal tfjs autodiff of matMul + bias on the CPU (tolerance 1e-4)', async () => {
    const b = await webgpuForTests();
    const [m, cin, cout] = [512, 6, 5];
    const h = random(m * cin, 1);
    const w = random(cin * cout, 2);
    const bias = random(cout, 3);
    const r = random(m * cout, 4);
    const run = async (backend: string, custom: boolean) => {
      await tf.setBackend(backend);
      const [hT, wT, bT, rT] = [tf.tensor2d(h, [m, cin]), tf.tensor2d(w, [cin, cout]), tf.tensor1d(bias), tf.tensor2d(r, [m, cout])];
      const f = (a: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(custom ? dense(a as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D) : tf.add(tf.matMul(a, ww), bb), rT));
      const grads = tf.grads(f)([hT, wT, bT]);
      const out = await Promise.all([f(hT, wT, bT), ...grads].map((t) => t.data()));
      tf.dispose([hT, wT, bT, rT, ...grads]);
      return out;
    };
    await b.run('dense parity', async () => {
      const gpu = await run('webgpu', true);
      const cpu = await run('cpu', false);
      gpu.forEach((arr, j) => arr.forEach((v, i) => expect(Math.abs(v - cpu[j][i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu[j][i])))));
      expect(gpu[3].some((v) => v !== 0)).toBe(true);
    });
  });
});
