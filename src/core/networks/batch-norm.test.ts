import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import { Rng } from '../random';
import { batchNorm, type BatchNormParams } from './batch-norm';

/** Float64 reference: y = γ (x − μ)/sqrt(σ² + ε) + β per channel (last axis), biased σ². */
function batchNormReference(x: Float64Array, c: number, gamma: Float64Array, beta: Float64Array, eps: number): Float64Array {
  const m = x.length / c;
  const y = new Float64Array(x.length);
  for (let k = 0; k < c; k++) {
    let mean = 0;
    for (let i = 0; i < m; i++) mean += x[i * c + k];
    mean /= m;
    let v = 0;
    for (let i = 0; i < m; i++) v += (x[i * c + k] - mean) ** 2;
    v /= m;
    for (let i = 0; i < m; i++) y[i * c + k] = (gamma[k] * (x[i * c + k] - mean)) / Math.sqrt(v + eps) + beta[k];
  }
  return y;
}

function randomArray(n: number, rng: Rng, lo = -1, hi = 1): Float64Array {
  return Float64Array.from({ length: n }, () => rng.uniform(lo, hi));
}

function params(c: number, gamma: Float64Array, beta: Float64Array): BatchNormParams {
  return {
    gamma: tf.tensor(Float32Array.from(gamma), [1, 1, 1, 1, c]),
    beta: tf.tensor(Float32Array.from(beta), [1, 1, 1, 1, c]),
    runningMean: tf.variable(tf.zeros([1, 1, 1, 1, c]), false),
    runningVar: tf.variable(tf.ones([1, 1, 1, 1, c]), false),
  };
}

const EPS = 1e-3;

describe('batch norm on 5-D tensors (CPU backend)', () => {
  it('matches a float64 reference and its gradients match central finite differences', async () => {
    await tf.setBackend('cpu');
    const rng = new Rng(11);
    const shape: [number, number, number, number, number] = [2, 2, 2, 3, 3];
    const c = 3;
    const n = shape.reduce((a, b) => a * b, 1);
    const x = randomArray(n, rng, -2, 3);
    const gamma = randomArray(c, rng, 0.5, 1.5);
    const beta = randomArray(c, rng);
    const r = randomArray(n, rng); // a random linear read-out so that the gradient is not trivially zero
    const lossRef = (xx: Float64Array, g: Float64Array, b: Float64Array) => batchNormReference(xx, c, g, b, EPS).reduce((s, y, i) => s + y * r[i], 0);

    const p = params(c, gamma, beta);
    const rT = tf.tensor(Float32Array.from(r), shape);
    const xT = tf.tensor(Float32Array.from(x), shape);
    const y = batchNorm(xT, p, { training: true, epsilon: EPS, momentum: 0 });
    const yRef = batchNormReference(x, c, gamma, beta, EPS);
    const yv = await y.data();
    yv.forEach((v, i) => expect(v).toBeCloseTo(yRef[i], 4));

    const f = (xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(batchNorm(xx, { ...p, gamma: g, beta: b }, { training: true, epsilon: EPS, momentum: 0 }), rT));
    const [gx, gg, gb] = tf.grads(f)([xT, p.gamma, p.beta]);
    const h = 1e-5;
    const fd = (arr: Float64Array, i: number, call: (a: Float64Array) => number) => {
      const plus = Float64Array.from(arr);
      const minus = Float64Array.from(arr);
      plus[i] += h;
      minus[i] -= h;
      return (call(plus) - call(minus)) / (2 * h);
    };
    const gxv = await gx.data();
    for (let i = 0; i < n; i++) expect(gxv[i]).toBeCloseTo(fd(x, i, (a) => lossRef(a, gamma, beta)), 3);
    const ggv = await gg.data();
    const gbv = await gb.data();
    for (let k = 0; k < c; k++) {
      expect(ggv[k]).toBeCloseTo(fd(gamma, k, (a) => lossRef(x, a, beta)), 3);
      expect(gbv[k]).toBeCloseTo(fd(beta, k, (a) => lossRef(x, gamma, a)), 3);
    }
    // The x-gradient is not trivially zero (a BN output read out by a random r has a real gradient).
    expect(Math.max(...Array.from(gxv, Math.abs))).toBeGreaterThan(0.05);
    tf.dispose([xT, rT, y, gx, gg, gb, p.gamma, p.beta, p.runningMean, p.runningVar]);
  });

  it('training updates running averages (unbiased variance); inference uses them', async () => {
    await tf.setBackend('cpu');
    const rng = new Rng(5);
    const c = 2;
    const shape = [1, 2, 2, 2, c];
    const x = randomArray(16, rng, 0, 4);
    const p = params(c, Float64Array.of(1, 2), Float64Array.of(0, 0.5));
    const xT = tf.tensor(Float32Array.from(x), shape);
    tf.dispose(batchNorm(xT, p, { training: true, epsilon: EPS, momentum: 0.1 }));
    const rm = await p.runningMean.data();
    const rv = await p.runningVar.data();
    for (let k = 0; k < c; k++) {
      const vals = Array.from({ length: 8 }, (_, i) => x[i * c + k]);
      const mean = vals.reduce((a, b) => a + b, 0) / 8;
      const unbiased = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / 7;
      expect(rm[k]).toBeCloseTo(0.1 * mean, 5);
      expect(rv[k]).toBeCloseTo(0.9 + 0.1 * unbiased, 5);
    }
    p.runningMean.assign(tf.tensor([1, -1], [1, 1, 1, 1, 2]));
    p.runningVar.assign(tf.tensor([4, 0.25], [1, 1, 1, 1, 2]));
    const y = await batchNorm(xT, p, { training: false, epsilon: 0, momentum: 0.1 }).data();
    for (let i = 0; i < 8; i++) {
      expect(y[i * 2]).toBeCloseTo((x[i * 2] - 1) / 2, 5);
      expect(y[i * 2 + 1]).toBeCloseTo((2 * (x[i * 2 + 1] + 1)) / 0.5 + 0.5, 4);
    }
    expect(Array.from(await p.runningMean.data())).toEqual([1, -1]); // inference leaves them alone
    tf.dispose([xT, p.gamma, p.beta, p.runningMean, p.runningVar]);
  });
});

describe('batch norm on real WebGPU', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('forward and gradients agree with the CPU backend on a [2,6,6,6,8] tensor (tolerance 1e-4 abs)', async () => {
    const b = await webgpuForTests();
    const rng = new Rng(21);
    const shape: [number, number, number, number, number] = [2, 6, 6, 6, 8];
    const n = shape.reduce((a, c) => a * c, 1);
    const x = Float32Array.from(randomArray(n, rng, -1, 2));
    const r = Float32Array.from(randomArray(n, rng));
    const gamma = randomArray(8, rng, 0.5, 1.5);
    const beta = randomArray(8, rng);
    const run = async (backend: 'cpu' | 'webgpu') => {
      await tf.setBackend(backend);
      const p = params(8, gamma, beta);
      const xT = tf.tensor(x, shape);
      const rT = tf.tensor(r, shape);
      tf.dispose(batchNorm(xT, p, { training: true, epsilon: EPS, momentum: 0.1 }));
      const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(batchNorm(xx, p, { training: true, epsilon: EPS, momentum: 0 }), rT)))(xT);
      const y = batchNorm(xT, p, { training: true, epsilon: EPS, momentum: 0 });
      const out = { y: await y.data(), gx: await gx.data(), mean: await p.runningMean.data() };
      tf.dispose([xT, rT, gx, y, p.gamma, p.beta, p.runningMean, p.runningVar]);
      return out;
    };
    await b.run('batch norm parity', async () => {
      const gpu = await run('webgpu');
      const cpu = await run('cpu');
      expect(gpu.y.some((v) => v !== 0)).toBe(true);
      let maxY = 0;
      let maxG = 0;
      gpu.y.forEach((v, i) => (maxY = Math.max(maxY, Math.abs(v - cpu.y[i]))));
      gpu.gx.forEach((v, i) => (maxG = Math.max(maxG, Math.abs(v - cpu.gx[i]))));
      expect(maxY).toBeLessThan(1e-4);
      expect(maxG).toBeLessThan(1e-4);
      gpu.mean.forEach((v, i) => expect(v).toBeCloseTo(cpu.mean[i], 5));
      expect(gpu.mean.some((v) => v !== 0)).toBe(true);
    });
  });
});
