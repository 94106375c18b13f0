import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { testDevice, webgpuForTests } from '../../testing/gpu';
import { createDualPathNet, type DualPathNet } from '../networks';
import { Rng } from '../random';
import { NesterovSgd } from './optimizer';
import { Device } from '../backend/device';

const CPU = new Device({ name: 'cpu', adapter: 'JavaScript on the CPU' });
import { trainStep, type TrainBatch } from './train-step';

/** A fixed batch whose labels are a function of the image: voxels brighter than 0.2 are class 1. */
function makeBatch(net: DualPathNet, n: number, seed: number): TrainBatch {
  const g = net.geometry(8);
  const rng = new Rng(seed);
  const f = g.fullInputSize;
  const full = Float32Array.from({ length: n * f ** 3 }, () => rng.uniform(-1, 1));
  const o = g.outputSize;
  const labels = new Int32Array(n * o ** 3);
  let t = 0;
  for (let b = 0; b < n; b++)
    for (let z = 0; z < o; z++)
      for (let y = 0; y < o; y++)
        for (let x = 0; x < o; x++) labels[t++] = full[(((b * f + z + g.rFull) * f + y + g.rFull) * f + x + g.rFull)] > 0.2 ? 1 : 0;
  const c = g.contextInputSize;
  return {
    full: tf.tensor(full, [n, f, f, f, 1]) as tf.Tensor5D,
    context: tf.tensor(Float32Array.from({ length: n * c ** 3 }, () => rng.uniform(-0.3, 0.3)), [n, c, c, c, 1]) as tf.Tensor5D,
    labels: tf.tensor(labels, [n, o, o, o], 'int32') as tf.Tensor4D,
  };
}

const disposeBatch = (b: TrainBatch) => tf.dispose([b.full, b.context, b.labels]);

describe('trainStep on the CPU backend', () => {
  it('overfits one fixed tiny batch: the loss falls over 30 steps', async () => {
    await tf.setBackend('cpu');
    const net = createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 5 });
    const batch = makeBatch(net, 2, 1);
    const optimizer = new NesterovSgd({ learningRate: 0.05 });
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) losses.push((await trainStep({ device: CPU, net, optimizer, batch, loss: 'cross-entropy' })).loss);
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
    disposeBatch(batch);
    net.dispose();
    optimizer.dispose();
  });

  it('L2 decay acts on net.l2Variables only: first step differs by lr·(1 + μ)·λ·w', async () => {
    await tf.setBackend('cpu');
    const [a, b] = [createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 8 }), createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 8 })];
    const batch = makeBatch(a, 2, 2);
    const stem0 = await a.params.get('full/stem', 'weight').data();
    const [oa, ob] = [new NesterovSgd({ learningRate: 0.1 }), new NesterovSgd({ learningRate: 0.1 })];
    await trainStep({ device: CPU, net: a, optimizer: oa, batch, loss: 'dice', l2: 0 });
    await trainStep({ device: CPU, net: b, optimizer: ob, batch, loss: 'dice', l2: 0.5 });
    const last = 'head/fc2';
    expect(Array.from(await b.params.get(last, 'weight').data())).toEqual(Array.from(await a.params.get(last, 'weight').data()));
    const sa = await a.params.get('full/stem', 'weight').data();
    const sb = await b.params.get('full/stem', 'weight').data();
    sa.forEach((v, i) => expect(v - sb[i]).toBeCloseTo(0.1 * 1.8 * 0.5 * stem0[i], 5));
    expect(Math.max(...Array.from(stem0, Math.abs))).toBeGreaterThan(0.1);
    disposeBatch(batch);
    [a, b].forEach((n) => n.dispose());
    [oa, ob].forEach((o) => o.dispose());
  });
});

describe('trainStep on real WebGPU', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('tiny preset: no tensor leaks over 5 steps, and the first loss equals the CPU backend’s', async () => {
    const gpu = await webgpuForTests();
    const firstLoss = async (backend: string) => {
      await tf.setBackend(backend);
      const net = createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 3 });
      const batch = makeBatch(net, 2, 4);
      const optimizer = new NesterovSgd({ learningRate: 0.01 });
      const counts: number[] = [];
      const losses: number[] = [];
      for (let i = 0; i < (backend === 'webgpu' ? 5 : 1); i++) {
        losses.push((await trainStep({ device: testDevice(), net, optimizer, batch, loss: 'cross-entropy', what: `leak test step ${i}` })).loss);
        counts.push(tf.memory().numTensors);
      }
      disposeBatch(batch);
      net.dispose();
      optimizer.dispose();
      return { losses, counts };
    };
    await gpu.run('train-step leak test', async () => {
      const g = await firstLoss('webgpu');
      // Velocities are created on the first step; from then on the count must stay flat.
      expect(new Set(g.counts.slice(1)).size).toBe(1);
      expect(g.counts[0]).toBe(g.counts[1]);
      expect(g.losses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
      const c = await firstLoss('cpu');
      expect(Math.abs(g.losses[0] - c.losses[0])).toBeLessThan(1e-4);
    });
  });
});
