import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { testDevice } from '../../testing/gpu';
import type { EngineEvent } from './contract';
import { Trainer } from './trainer';
import { demoStoreOnWebGPU, untilDone } from './testing/demo-training';

describe('Trainer on real WebGPU (tiny preset, demo scan at 8 mm)', () => {
  const { store, imageId } = demoStoreOnWebGPU();

  it('trains: loss falls, error maps change, tensors stay flat, validation Dice is reported', async () => {
    const events: EngineEvent[] = [];
    const trainer = new Trainer({ store, device: testDevice, emit: (e) => { events.push(e); } });
    const before = trainer.errorMap;
    expect(() => before.call(trainer, imageId)).toThrow(/no error map/);
    await trainer.start({ images: [imageId], validation: [imageId], classes: [4, 1], preset: 'tiny', iterations: 20, batchSize: 4, seed: 3, spacing: [8, 8, 8], errorMapEvery: 10, validateEvery: 20, learningRate: 0.05 });
    const initial = trainer.errorMap(imageId);
    expect(initial.updatedAtIteration).toBe(0);
    expect(initial.data.every((v) => v === 255)).toBe(true);
    await untilDone(trainer, 100);
    const st = trainer.status();
    if (process.env.TRAINER_LOG) console.log(JSON.stringify(events.map((e) => ('data' in e ? { ...e, data: e.data.length } : e))));
    expect(st.error).toBeUndefined();
    expect(st.state).toBe('done');
    expect(st.lossHistory).toHaveLength(20);
    const its = events.filter((e): e is Extract<EngineEvent, { type: 'iteration' }> => e.type === 'iteration');
    const tensors = its.map((e) => e.numTensors);
    expect(Math.max(...tensors.slice(2)) - Math.min(...tensors.slice(2))).toBe(0);
    const first = st.lossHistory.slice(0, 5).reduce((a, b) => a + b) / 5;
    const last = st.lossHistory.slice(-5).reduce((a, b) => a + b) / 5;
    expect(last).toBeLessThan(first);
    const em = trainer.errorMap(imageId);
    expect(em.updatedAtIteration).toBe(20);
    expect(em.dims).toEqual([122, 101, 112]);
    const changed = em.data.reduce((n, v) => n + (v !== 255 ? 1 : 0), 0);
    expect(changed).toBeGreaterThan(em.data.length * 0.5);
    expect(events.some((e) => e.type === 'density')).toBe(true);
    expect(st.valDice).toBeDefined();
    expect(Object.keys(st.valDice!).sort()).toEqual(['liver', 'spleen']);
    for (const d of Object.values(st.valDice!)) expect(d).toBeGreaterThanOrEqual(0);
    expect(tf.getBackend()).toBe('webgpu');
  });
});
