import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import { Rng } from '../random';
import { NesterovSgd } from './optimizer';

/** Plain-TS Nesterov SGD with weight decay (float64). */
function reference(w0: number[], grads: number[][], lrs: number[], mu: number, wd: number, nesterov = true): number[] {
  const w = [...w0];
  const v = w.map(() => 0);
  grads.forEach((g, t) => {
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] + wd * w[i];
      v[i] = mu * v[i] + gi;
      w[i] -= lrs[t] * (nesterov ? gi + mu * v[i] : v[i]);
    }
  });
  return w;
}

async function runSteps(backend: string, shape: number[], w0: number[], grads: number[][], lrs: number[], wd: number, nesterov = true) {
  await tf.setBackend(backend);
  const variable = tf.variable(tf.tensor(w0, shape));
  const opt = new NesterovSgd({ learningRate: lrs[0], momentum: 0.8, nesterov });
  for (let t = 0; t < grads.length; t++) {
    opt.learningRate = lrs[t];
    const g = tf.tensor(grads[t], shape);
    opt.step([{ variable, grad: g, weightDecay: wd }]);
    g.dispose();
  }
  const out = Array.from(await variable.data());
  expect(opt.iterations).toBe(grads.length);
  variable.dispose();
  opt.dispose();
  return out;
}

function problem(size: number, steps: number, seed: number) {
  const rng = new Rng(seed);
  const w0 = Array.from({ length: size }, () => rng.uniform(-1, 1));
  const grads = Array.from({ length: steps }, () => Array.from({ length: size }, () => rng.uniform(-1, 1)));
  return { w0, grads, lrs: [0.1, 0.05, 0.2, 0.1].slice(0, steps) };
}

describe('Nesterov SGD with weight decay', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('one step by hand: v = g + λw, w ← w − lr (g + λw)(1 + μ)', async () => {
    const w = await runSteps('cpu', [2], [1, -2], [[0.5, 0.25]], [0.1], 0.01);
    expect(w[0]).toBeCloseTo(1 - 0.1 * (0.5 + 0.01) * 1.8, 6);
    expect(w[1]).toBeCloseTo(-2 - 0.1 * (0.25 - 0.02) * 1.8, 6);
  });

  it.each([
    { wd: 0, nesterov: true },
    { wd: 1e-2, nesterov: true },
    { wd: 1e-2, nesterov: false },
  ])('CPU: 4 steps with changing lr match the reference (λ = $wd, nesterov $nesterov)', async ({ wd, nesterov }) => {
    const { w0, grads, lrs } = problem(12, 4, 3);
    const got = await runSteps('cpu', [3, 4], w0, grads, lrs, wd, nesterov);
    const want = reference(w0, grads, lrs, 0.8, wd, nesterov);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });

  it('WebGPU: a 5-D conv weight [3,3,3,8,8] (1728 values) updates as the reference within 1e-5', async () => {
    const b = await webgpuForTests();
    const { w0, grads, lrs } = problem(1728, 4, 4);
    await b.run('SGD parity', async () => {
      const got = await runSteps('webgpu', [3, 3, 3, 8, 8], w0, grads, lrs, 1e-2);
      const want = reference(w0, grads, lrs, 0.8, 1e-2);
      let err = 0;
      got.forEach((v, i) => (err = Math.max(err, Math.abs(v - want[i]))));
      expect(err).toBeLessThan(1e-5);
      expect(got.some((v, i) => v !== w0[i])).toBe(true);
    });
  });

  it('rejects bad hyperparameters and mismatched gradients', () => {
    expect(() => new NesterovSgd({ learningRate: -1 })).toThrow(/learning rate/);
    expect(() => new NesterovSgd({ learningRate: 0.1, momentum: 1 })).toThrow(/momentum/);
    const opt = new NesterovSgd({ learningRate: 0.1 });
    const v = tf.variable(tf.zeros([3]));
    expect(() => opt.step([{ variable: v, grad: tf.zeros([4]), weightDecay: 0 }])).toThrow(/size 4 for a variable of size 3/);
    v.dispose();
  });
});
