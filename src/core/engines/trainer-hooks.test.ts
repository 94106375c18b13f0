/**
 * The Trainer's additions for the training CLI: `photometric` and `classWeights` options (planned and
 * checked), checkpoints every N iterations, and resuming from a checkpoint's weights and iteration.
 * Real WebGPU, tiny preset, the demo scan at 8 mm.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDevice, webgpuForTests } from '../../testing/gpu';
import { createDualPathNet, type DualPathNet } from '../networks';
import type { EngineEvent } from './contract';
import { photometricFor, planTraining } from './train-options';
import { Trainer } from './trainer';
import { demoStore, untilDone } from './testing/demo-training';

async function weights(net: DualPathNet): Promise<Float32Array[]> {
  return Promise.all(net.params.list.map(async (p) => (await p.variable.data()) as Float32Array));
}

describe('training options for the CLI', () => {
  const { store, imageId } = demoStore();
  it('photometric: off by default, defaults or overrides when asked; classWeights checked against the classes', () => {
    const base = { images: [imageId], classes: [1, 4] };
    expect(planTraining(base, store, { preset: 'tiny' }).photometric.enabled).toBe(false);
    const on = planTraining({ ...base, photometric: { shift: [-0.2, 0.2] } }, store, { preset: 'tiny' }).photometric;
    expect(on).toEqual({ enabled: true, scale: [0.9, 1.1], shift: [-0.2, 0.2], gamma: [0.8, 1.25], noiseSigma: [0, 0.05] });
    expect(photometricFor(true).shift).toEqual([-0.1, 0.1]);
    expect(() => photometricFor({ scale: [1.2, 0.8] })).toThrow(/photometric\.scale must be \[low, high\]/);
    expect(planTraining({ ...base, classWeights: [0.5, 2, 1] }, store, { preset: 'tiny' }).classWeights).toEqual([0.5, 2, 1]);
    expect(() => planTraining({ ...base, classWeights: [1, 1] }, store, { preset: 'tiny' })).toThrow(/classWeights needs 3 non-negative numbers/);
  });
});

describe('Trainer checkpoints and resume (real WebGPU)', () => {
  beforeAll(async () => {
    await webgpuForTests();
  });

  it('checkpoints every N iterations; a resumed run starts from the checkpoint weights and iteration', async () => {
    const { store, imageId } = demoStore();
    const opts = { images: [imageId], classes: [4, 1], preset: 'tiny' as const, iterations: 4, batchSize: 2, seed: 3, spacing: [8, 8, 8] as [number, number, number], errorMapEvery: 2, validateEvery: 1000, photometric: true, classWeights: [0.5, 2, 1] };
    const checkpoints: { iteration: number; weights: Float32Array[]; errorMaps: Float32Array[] }[] = [];
    const first = new Trainer({ store, device: testDevice, emit: () => undefined });
    await first.start(opts, {
      checkpointEvery: 2,
      onCheckpoint: async (c) => void checkpoints.push({ iteration: c.iteration, weights: await weights(c.net), errorMaps: c.errorMaps.map((e) => e.slice()) }),
    });
    await untilDone(first);
    expect(first.status().error).toBeUndefined();
    expect(checkpoints.map((c) => c.iteration)).toEqual([2, 4]);
    expect(checkpoints[0].errorMaps[0].some((e) => e < 1)).toBe(true); // the error map was updated at iteration 2

    // A network holding the iteration-2 weights, as the CLI would load it from disk.
    const holder = new Trainer({ store, device: testDevice, emit: () => undefined });
    await holder.start({ ...opts, iterations: 1 });
    await untilDone(holder);
    const saved = holder.latest!.net;
    saved.params.list.forEach((p, i) => p.variable.assign(tf.tensor(checkpoints[0].weights[i], p.variable.shape)));

    // No steps left: the network is exactly the checkpoint's (which is not the seed's initial network).
    const r0 = new Trainer({ store, device: testDevice, emit: () => undefined });
    await r0.start({ ...opts, iterations: 2 }, { resume: { net: saved, iteration: 2 } });
    await untilDone(r0);
    const same = (a: Float32Array[], b: Float32Array[]) => a.every((w, i) => w.every((v, j) => v === b[i][j]));
    expect(same(await weights(r0.latest!.net), checkpoints[0].weights)).toBe(true);
    const seedNet = createDualPathNet({ preset: 'tiny', numClasses: 3, seed: 3 });
    expect(same(await weights(seedNet), checkpoints[0].weights)).toBe(false);
    seedNet.dispose();

    // One step left: iterations are numbered from the checkpoint on, and the restored error maps are used.
    const events: EngineEvent[] = [];
    const restored: Float32Array[][] = [];
    const r1 = new Trainer({ store, device: testDevice, emit: (e) => void events.push(e) });
    await r1.start({ ...opts, iterations: 3 }, { resume: { net: saved, iteration: 2, errorMaps: checkpoints[0].errorMaps }, onCheckpoint: (c) => void restored.push(c.errorMaps.map((e) => e.slice())) });
    await untilDone(r1);
    expect(r1.status().error).toBeUndefined();
    expect(events.filter((e) => e.type === 'iteration').map((e) => (e as { iteration: number }).iteration)).toEqual([3]);
    expect(r1.status().lossHistory).toHaveLength(1);
    expect(Array.from(restored[0][0])).toEqual(Array.from(checkpoints[0].errorMaps[0]));
    for (const t of [first, holder, r0, r1]) t.latest?.net.dispose();
  });

  it('refuses a checkpoint from a different network', async () => {
    const { store, imageId } = demoStore();
    const other = new Trainer({ store, device: testDevice, emit: () => undefined });
    await other.start({ images: [imageId], classes: [4], preset: 'tiny', iterations: 1, batchSize: 2, spacing: [8, 8, 8] });
    await untilDone(other);
    const t = new Trainer({ store, device: testDevice, emit: () => undefined });
    await expect(t.start({ images: [imageId], classes: [4, 1], preset: 'tiny', iterations: 2, batchSize: 2, spacing: [8, 8, 8] }, { resume: { net: other.latest!.net, iteration: 1 } })).rejects.toThrow(
      /checkpoint to resume from has no weight "[^"]+" shaped/,
    );
    other.latest!.net.dispose();
  });
});
