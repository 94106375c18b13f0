import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import { readNifti } from '../data';
import type { EngineEvent } from '../../worker/events';
import { Trainer } from './trainer';
import { VolumeStore } from './volume-store';
import { DEMO_LABELS } from '../data';

const demo = (f: string) => readFileSync(resolve(import.meta.dirname, '../../../public/demo', f));

describe('Trainer on real WebGPU (tiny preset, demo scan at 8 mm)', () => {
  const store = new VolumeStore();
  let imageId = '';
  beforeAll(async () => {
    await webgpuForTests();
    const img = store.add(readNifti(demo('ct.nii.gz'), 'ct.nii.gz'), 'image');
    const names = Object.fromEntries(Object.entries(DEMO_LABELS).map(([k, v]) => [k, v.name]));
    store.add(readNifti(demo('labels-organs4.nii.gz'), 'labels-organs4.nii.gz'), 'label', { imageId: img.info.id, labels: names });
    imageId = img.info.id;
  });

  it('trains: loss falls, error maps change, tensors stay flat, validation Dice is reported', async () => {
    const events: EngineEvent[] = [];
    const trainer = new Trainer({ store, emit: (e) => { events.push(e); } });
    const before = trainer.errorMap;
    expect(() => before.call(trainer, imageId)).toThrow(/no error map/);
    await trainer.start({ images: [imageId], validation: [imageId], classes: [4, 1], preset: 'tiny', iterations: 20, batchSize: 4, seed: 3, spacing: [8, 8, 8], errorMapEvery: 10, validateEvery: 20, learningRate: 0.05 });
    const initial = trainer.errorMap(imageId);
    expect(initial.updatedAtIteration).toBe(0);
    expect(initial.data.every((v) => v === 255)).toBe(true);
    // wait for the run to end
    await new Promise<void>((res) => {
      const t = setInterval(() => {
        const st = trainer.status().state;
        if (st === 'done' || st === 'error') {
          clearInterval(t);
          res();
        }
      }, 100);
    });
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
