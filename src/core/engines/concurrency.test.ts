/**
 * Long runs and concurrency: what the engine does when calls overlap (the table is in docs/DESIGN.md,
 * "Concurrency"). The real engine on the wasm backend, the demo scan, the tiny preset at 12 mm for a few
 * iterations, and a built tiny model (untrained, deterministic) to segment with.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../backend/device';
import { initBackend } from '../backend/select';
import { repoFile } from '../data/testing/repo-files';
import { isWorkbenchError } from '../errors';
import type { EngineEvent, TrainOptions } from './contract';
import { Engine } from './engine';
import { Trainer } from './trainer';
import { demoStore, untilDone } from './testing/demo-training';
import { randomTinyModel } from './testing/built-models';

const file = (rel: string, name = rel.split('/').pop()!) => {
  const b = repoFile(rel);
  return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
};

async function until(engine: Engine, states: string[]): Promise<void> {
  while (!states.includes(engine.trainingStatus().state)) await new Promise((r) => setTimeout(r, 20));
}

/** Voxels where two label maps differ (toEqual on 1.4 M voxels takes seconds). */
function differing(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<Error> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('Engine: overlapping calls (wasm, tiny, 12 mm)', () => {
  const engine = new Engine();
  let ct = '';
  let labels = '';
  let model = '';
  let alone: Uint8Array;
  const training = (o: Partial<TrainOptions> = {}): TrainOptions => ({
    images: [ct], classes: [4], preset: 'tiny', batchSize: 2, spacing: [12, 12, 12], errorMapEvery: 1000, validateEvery: 1000, iterations: 3, runName: 'overlap', ...o,
  });
  const labelsOf = (r: { label: { info: { id: string } } }) => engine.store.get(r.label.info.id).volume.data as Uint8Array;

  beforeAll(async () => {
    await engine.init({ backends: ['wasm'] });
    ct = (await engine.loadVolume([file('public/demo/ct.nii.gz')])).info.id;
    labels = (await engine.loadVolume([file('public/demo/labels-organs4.nii.gz')])).info.id;
    model = randomTinyModel(engine, 11);
    alone = labelsOf(await engine.segment(ct, { model }));
    expect(alone.some((v) => v !== 0)).toBe(true); // the comparisons below are not of two empty maps
  });

  it('segmenting while training: allowed, the two share the worker; the same labels, and the run finishes', async () => {
    await engine.train(training({ iterations: 4 }));
    expect(engine.trainingStatus()).toMatchObject({ state: 'running', iteration: 0 });
    const r = await engine.segment(ct, { model });
    await until(engine, ['done', 'error']);
    expect(engine.trainingStatus()).toMatchObject({ state: 'done', iteration: 4 });
    expect(engine.trainingStatus().error).toBeUndefined();
    expect(differing(labelsOf(r), alone)).toBe(0);
  });

  it('starting twice: the second is refused with a sentence naming the running run; the first goes on', async () => {
    const both = await Promise.allSettled([engine.train(training({ iterations: 40, runName: 'first' })), engine.train(training({ runName: 'second' }))]);
    expect(both.map((b) => b.status)).toEqual(['fulfilled', 'rejected']);
    const e = (both[1] as PromiseRejectedResult).reason as Error;
    expect(isWorkbenchError(e, 'busy')).toBe(true);
    expect(e.message).toMatch(/^A training run is already going: "first" \(run-\d+, iteration \d+ of 40, running\); stop it before starting another\.$/);
    expect(engine.trainingStatus()).toMatchObject({ state: 'running', iterations: 40 });
    await engine.stopTraining();
    expect(engine.trainingStatus().state).toBe('done');
    await engine.train(training({ iterations: 1 }));
    await until(engine, ['done', 'error']);
    expect(engine.trainingStatus()).toMatchObject({ state: 'done', iteration: 1, iterations: 1 });
  });

  it('a wasm run serves calls between steps and tiles: a stop or a cancel sent a timer tick later takes effect', async () => {
    await engine.train(training({ iterations: 40 }));
    await new Promise((r) => setTimeout(r, 0)); // as a message from the UI would arrive in the worker
    await engine.stopTraining();
    expect(engine.trainingStatus().state).toBe('done');
    expect(engine.trainingStatus().iteration).toBeLessThan(40);
    const seg = engine.segment(ct, { model });
    await new Promise((r) => setTimeout(r, 0));
    expect(engine.cancelSegmentation()).toBe(true);
    expect(isWorkbenchError(await rejection(seg), 'cancelled')).toBe(true);
  });

  it('removing a scan that is training: refused, naming the run, while it runs or is paused; allowed after stop', async () => {
    const { runId } = await engine.train(training({ iterations: 40, runName: 'long' }));
    const image = await rejection(() => engine.removeVolume(ct));
    expect(isWorkbenchError(image, 'busy')).toBe(true);
    expect(image.message).toMatch(new RegExp(`^ct\\.nii\\.gz is in use by the training run "long" \\(${runId}, iteration \\d+ of 40, running\\); stop the run before removing it\\.$`));
    expect((await rejection(() => engine.removeVolume(labels))).message).toMatch(/^labels-organs4\.nii\.gz is in use by the training run "long"/);
    engine.pauseTraining();
    expect((await rejection(() => engine.removeVolume(ct))).message).toMatch(/, paused\); stop the run/);
    expect(engine.volumes().map((v) => v.id)).toEqual(expect.arrayContaining([ct, labels]));
    await engine.stopTraining();
    // A copy of the scan can go after the run: the refusal was about the run, not the scan.
    const copy = (await engine.loadVolume([file('public/demo/ct.nii.gz', 'copy.nii.gz')])).info.id;
    expect(engine.removeVolume(copy)).toEqual([copy]);
  });

  it('removing the scan being segmented: refused until the segmentation ends', async () => {
    const copy = (await engine.loadVolume([file('public/demo/ct.nii.gz', 'copy.nii.gz')])).info.id;
    const seg = engine.segment(copy, { model });
    await new Promise((r) => setTimeout(r, 0));
    const e = await rejection(() => engine.removeVolume(copy));
    expect(e.message).toBe('copy.nii.gz is being segmented; cancel the segmentation or wait for it to finish before removing it.');
    const r = await seg;
    expect(engine.removeVolume(copy)).toEqual([copy, r.result.labelId]);
  });

  it('loading while segmenting: the load completes during the segmentation, whose labels are unchanged', async () => {
    const order: string[] = [];
    const seg = engine.segment(ct, { model }).then((r) => (order.push('segmented'), r));
    await new Promise((r) => setTimeout(r, 0));
    const loaded = await engine.loadVolume([file('test-data/mr-abdomen/mr.nii.gz')]).then((l) => (order.push('loaded'), l));
    const r = await seg;
    expect(order).toEqual(['loaded', 'segmented']);
    expect(engine.volumes().some((v) => v.id === loaded.info.id)).toBe(true);
    expect(differing(labelsOf(r), alone)).toBe(0);
  });
});

describe('Trainer: stopping during an error-map update or a validation (wasm, tiny, 12 mm)', () => {
  let wasm: Device;
  beforeAll(async () => {
    wasm = await initBackend(['wasm']);
  });

  /** A device whose `run` presses Stop once a pass whose label starts with `when` has begun. */
  function stoppingDevice(when: string, trainer: () => Trainer): { device: Device; stopped: () => Promise<void> | undefined } {
    let stopped: Promise<void> | undefined;
    const device = Object.create(wasm) as Device;
    device.run = async (label, fn) => {
      if (label.startsWith(when) && !stopped) stopped = trainer().stop();
      return wasm.run(label, fn);
    };
    return { device, stopped: () => stopped };
  }

  it('a validation pass is abandoned too: no Dice is published, the run ends done', async () => {
    const { store, imageId } = demoStore();
    const events: EngineEvent[] = [];
    const { device, stopped } = stoppingDevice('validating', () => trainer);
    const trainer: Trainer = new Trainer({ store, device: () => device, emit: (e) => void events.push(e) });
    await trainer.start({ images: [imageId], validation: [imageId], classes: [4], preset: 'tiny', iterations: 6, batchSize: 2, seed: 2, spacing: [12, 12, 12], errorMapEvery: 1000, validateEvery: 2 });
    await untilDone(trainer, 20);
    expect(stopped()).toBeDefined();
    await stopped();
    expect(trainer.status()).toMatchObject({ state: 'done', iteration: 2 });
    expect(trainer.status().valDice).toBeUndefined();
    expect(events.filter((e) => e.type === 'validation')).toEqual([]);
  });

  it('abandons the update: stop resolves, the run ends done at that iteration, the published map is the previous one', async () => {
    const { store, imageId } = demoStore();
    const events: EngineEvent[] = [];
    // Once the error-map pass of iteration 2 has begun, the user presses Stop.
    const { device, stopped } = stoppingDevice('the error map', () => trainer);
    const trainer: Trainer = new Trainer({ store, device: () => device, emit: (e) => void events.push(e) });
    await trainer.start({ images: [imageId], classes: [4], preset: 'tiny', iterations: 6, batchSize: 2, seed: 2, spacing: [12, 12, 12], errorMapEvery: 2, validateEvery: 1000 });
    await untilDone(trainer, 20);
    expect(stopped()).toBeDefined();
    await stopped();
    const st = trainer.status();
    expect(st).toMatchObject({ state: 'done', iteration: 2 });
    expect(st.error).toBeUndefined();
    const maps = events.filter((e) => e.type === 'error-map' || e.type === 'density').map((e) => `${e.type}@${(e as { iteration: number }).iteration}`);
    expect(maps).toEqual(['error-map@0']);
    expect(trainer.errorMap(imageId).updatedAtIteration).toBe(0);
    expect(trainer.latest?.net).toBeDefined();
  });
});
