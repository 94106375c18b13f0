import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { installNodeWebGPU } from '../platform/node-webgpu';
import { Engine } from './engine';
import type { EngineEvent } from './contract';

const demo = (f: string) => {
  const b = readFileSync(resolve(import.meta.dirname, '../../../public/demo', f));
  return { name: f, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
};

async function until(engine: Engine, states: string[]): Promise<void> {
  while (!states.includes(engine.trainingStatus().state)) await new Promise((r) => setTimeout(r, 50));
}

describe('Engine: train → model → segment → export → resume (WebGPU, tiny, 12 mm)', () => {
  const engine = new Engine();
  const events: EngineEvent[] = [];
  let imageId = '';
  beforeAll(async () => {
    installNodeWebGPU();
    await engine.init({ backends: ['webgpu'] });
    engine.onEvent((e) => void events.push(e));
    imageId = (await engine.loadVolume([demo('ct.nii.gz')])).info.id;
    await engine.loadVolume([demo('labels-organs4.nii.gz')]);
  });

  it('a finished run becomes a model that segments, exports and resumes', async () => {
    const base = { images: [imageId], classes: [4], preset: 'tiny' as const, batchSize: 2, spacing: [12, 12, 12] as [number, number, number], errorMapEvery: 1000, validateEvery: 1000 };
    await engine.train({ ...base, iterations: 3 });
    await until(engine, ['done', 'error']);
    expect(engine.trainingStatus().error).toBeUndefined();
    const models = engine.models();
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ source: 'trained', classes: ['background', 'liver'], spacingMm: [12, 12, 12], preset: 'tiny' });
    expect(events.some((e) => e.type === 'models-changed')).toBe(true);

    const seg = await engine.segment(imageId, { model: models[0].id });
    expect(seg.label.info).toMatchObject({ role: 'label', imageId, origin: 'segmentation', dims: [122, 101, 112] });
    expect(Object.keys(seg.result.dice ?? {})).toEqual(['liver']);
    const gz = await engine.exportVolume(seg.result.labelId);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    expect(engine.labelTableText(seg.result.labelId)).toBe('0 background\n1 liver\n');

    await engine.train({ ...base, iterations: 2, resumeFrom: models[0].id });
    await until(engine, ['done', 'error']);
    expect(engine.trainingStatus().error).toBeUndefined();
    expect(engine.models()).toHaveLength(2);

    await expect(engine.train({ ...base, classes: [1, 4], iterations: 1, resumeFrom: models[0].id })).rejects.toMatchObject({ code: 'bad-model' });
  });
});
