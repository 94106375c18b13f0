import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import { Rng } from '../random';
import { upsampleNearest3d, upsampleNearest3dReference } from './upsample';

type Shape5 = [number, number, number, number, number];

/** Reference gradient of Σ r · up(x): each input voxel collects r over its f³ copies. */
function gradReference(r: Float32Array, shape: Shape5, f: number): Float32Array {
  const [n, d, h, w, c] = shape;
  const [D, H, W] = [d * f, h * f, w * f];
  const g = new Float32Array(n * d * h * w * c);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let z = 0; z < D; z++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++)
          for (let k = 0; k < c; k++) g[((((b * d + Math.floor(z / f)) * h + Math.floor(y / f)) * w + Math.floor(x / f)) * c) + k] += r[o++];
  return g;
}

const cases: { shape: Shape5; factor: number }[] = [
  { shape: [2, 4, 5, 6, 7], factor: 4 }, // anisotropic, odd channels; 1680 input elements, so the GPU path runs
  { shape: [1, 3, 3, 3, 40], factor: 4 }, // the paper preset's context output at O = 12
  { shape: [3, 2, 4, 3, 9], factor: 2 },
];

describe('nearest-neighbour ×f upsampling on real WebGPU', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(cases)('$shape × $factor: forward equals the reference exactly; gradient within 1e-4', async ({ shape, factor }) => {
    const b = await webgpuForTests();
    const rng = new Rng(shape.reduce((a, c) => a * 31 + c, factor));
    const n = shape.reduce((a, c) => a * c, 1);
    const x = Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
    const outShape: Shape5 = [shape[0], shape[1] * factor, shape[2] * factor, shape[3] * factor, shape[4]];
    const r = Float32Array.from({ length: n * factor ** 3 }, () => rng.uniform(-1, 1));
    await b.run('upsample parity', async () => {
      const xT = tf.tensor(x, shape) as tf.Tensor5D;
      const rT = tf.tensor(r, outShape);
      const y = upsampleNearest3d(xT, factor);
      expect(y.shape).toEqual(outShape);
      const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(upsampleNearest3d(xx as tf.Tensor5D, factor), rT)))(xT);
      const yv = await y.data();
      const gv = await gx.data();
      expect(tf.getBackend()).toBe('webgpu');
      const ref = upsampleNearest3dReference(x, shape, factor);
      expect(Array.from(yv)).toEqual(Array.from(ref));
      const gref = gradReference(r, shape, factor);
      let maxErr = 0;
      gv.forEach((v, i) => (maxErr = Math.max(maxErr, Math.abs(v - gref[i]))));
      expect(maxErr).toBeLessThan(1e-4);
      expect(gv.some((v) => v !== 0)).toBe(true);
      tf.dispose([xT, rT, y, gx]);
    });
  });
});
