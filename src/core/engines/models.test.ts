/**
 * The model registry and loaders on tfjs's CPU backend (weights only; segmentation itself is tested on WebGPU
 * in predictor.test.ts): bytes round trip, URL loading through tf.io.http with a local fetch, the bundled index,
 * IndexedDB through an injected in-memory store (Node has no IndexedDB), a copy of a trained network, and the
 * messages for wrong files.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../errors';
import { createDualPathNet, type DualPathNet } from '../networks';
import {
  INDEXEDDB_PREFIX, indexedDbStore, loadModelFromFiles, loadModelFromIndexedDB, loadModelFromUrl, modelFromTraining, modelToBytes,
  ModelRegistry, readBundledIndex, resolveRelative, saveModelToIndexedDB, type LoadedModel, type ModelStore,
} from './models';
import type { TrainingPlan } from './train-options';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const NORM = { min: -1000, max: 1000, divisor: 218 };
const CLASSES = ['background', 'spleen', 'liver'];

/** A tiny network whose weights are not the seed's defaults (so a lost copy would show). */
function perturbedNet(seed: number): DualPathNet {
  const net = createDualPathNet({ preset: 'tiny', numClasses: 3, seed });
  for (const p of net.params.list) p.variable.assign(tf.tidy(() => tf.add(p.variable, tf.randomUniform(p.variable.shape, -0.5, 0.5, 'float32', seed))));
  return net;
}

function fakePlan(net: DualPathNet): TrainingPlan {
  const info = (name: string) => ({ info: { id: name, name, role: 'image', dims: [1, 1, 1], spacing: [1, 1, 1], affine: [], min: 0, max: 0 } });
  return {
    seed: 42, spacing: [5, 5, 5], classNames: CLASSES, classes: [1, 4], preset: net.preset, runName: 'isample ε=0.01',
    train: [{ image: info('ct.nii.gz'), label: info('labels.nii.gz') }],
  } as unknown as TrainingPlan;
}

async function weightsOf(net: DualPathNet): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const p of net.params.list) out.set(p.name, (await p.variable.data()) as Float32Array);
  return out;
}

async function expectSameWeights(a: DualPathNet, b: DualPathNet): Promise<void> {
  const [wa, wb] = [await weightsOf(a), await weightsOf(b)];
  expect([...wb.keys()]).toEqual([...wa.keys()]);
  for (const [k, v] of wa) expect(Array.from(wb.get(k)!)).toEqual(Array.from(v));
}

/** A trained-model stand-in: a copy of a perturbed net with the plan's description. */
function trained(): { model: LoadedModel; source: DualPathNet } {
  const source = perturbedNet(5);
  return { model: modelFromTraining({ plan: fakePlan(source), net: source, iteration: 1234 }, { date: '2026-01-02T03:04:05.000Z', gitCommit: 'abc123' }), source };
}

/** A fetch over an in-memory folder of files. */
function memoryFetch(files: Record<string, string | ArrayBuffer>): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    const body = files[url];
    return body === undefined ? new Response('missing', { status: 404 }) : new Response(body, { status: 200 });
  }) as typeof fetch;
}

function memoryStore(): ModelStore & { saved: Map<string, tf.io.ModelArtifacts> } {
  const saved = new Map<string, tf.io.ModelArtifacts>();
  return {
    saved,
    save: (url) => tf.io.withSaveHandler(async (a) => {
      saved.set(url, a);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    load: (url) => {
      const a = saved.get(url);
      if (!a) throw new Error(`nothing saved at ${url}`);
      return tf.io.fromMemory(a);
    },
    list: async () => [...saved.keys()],
    remove: async (url) => void saved.delete(url),
  };
}

async function badModel(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(isWorkbenchError(e, 'bad-model')).toBe(true);
  return (e as Error).message;
}

describe('a trained network as a model', () => {
  it('is an independent copy with the plan\'s classes, spacing, default normalisation and provenance', async () => {
    const { model, source } = trained();
    await expectSameWeights(source, model.net);
    source.dispose(); // the Trainer disposes its network when the next run starts
    expect((await model.net.params.list[0].variable.data()).length).toBeGreaterThan(0);
    expect(model.info).toMatchObject({ classes: CLASSES, spacingMm: [5, 5, 5], preset: 'tiny', source: 'trained', normalisation: NORM });
    expect(model.info.provenance).toEqual({ seed: 42, iterations: 1234, data: 'ct.nii.gz + labels.nii.gz at 5×5×5 mm', date: '2026-01-02T03:04:05.000Z', gitCommit: 'abc123' });
    expect(model.info.parameters).toBe(model.net.summary().parameters);
    expect(model.meta).toEqual({ classNames: CLASSES, trainingSpacing: [5, 5, 5], normalisation: NORM });
    model.net.dispose();
  });
});

describe('model files as bytes', () => {
  it('round trip: modelToBytes → loadModelFromFiles keeps weights and description', async () => {
    const { model, source } = trained();
    const { modelJson, weights } = await modelToBytes(model);
    expect(JSON.parse(modelJson).weightsManifest[0].paths).toEqual(['weights.bin']);
    const back = await loadModelFromFiles([{ name: 'model.json', bytes: modelJson }, { name: 'weights.bin', bytes: new Uint8Array(weights) }]);
    await expectSameWeights(model.net, back.net);
    expect(back.info).toMatchObject({ source: 'uploaded', classes: CLASSES, spacingMm: [5, 5, 5], location: 'model.json + weights.bin' });
    expect(back.info.provenance).toEqual(model.info.provenance);
    [model.net, back.net, source].forEach((n) => n.dispose());
  });

  it('names the file, what was expected and what was found when files are wrong', async () => {
    const { model, source } = trained();
    const { modelJson, weights } = await modelToBytes(model);
    expect(await badModel(loadModelFromFiles([{ name: 'model.json', bytes: 'not json' }, { name: 'weights.bin', bytes: weights }]))).toMatch(/^model\.json is not JSON/);
    expect(await badModel(loadModelFromFiles([{ name: 'model.json', bytes: '{"layers": []}' }]))).toMatch(/model\.json is not a tfjs model\.json: expected "modelTopology" and "weightsManifest", found layers/);
    expect(await badModel(loadModelFromFiles([{ name: 'model.json', bytes: modelJson }, { name: 'group1-shard1of1.bin', bytes: weights }]))).toMatch(/lists the weights file "weights\.bin", which was not given; found: group1-shard1of1\.bin/);
    expect(await badModel(loadModelFromFiles([{ name: 'model.json', bytes: modelJson }, { name: 'weights.bin', bytes: weights.slice(0, 1000) }]))).toMatch(/model\.json .*weights file has 1000/);
    expect(await badModel(loadModelFromFiles([{ name: 'weights.bin', bytes: weights }]))).toMatch(/exactly one model\.json .* found 0 \.json files among: weights\.bin/);
    const keras = JSON.stringify({ modelTopology: { class_name: 'Sequential' }, format: 'layers-model', weightsManifest: [{ paths: ['weights.bin'], weights: [] }] });
    expect(await badModel(loadModelFromFiles([{ name: 'keras.json', bytes: keras }, { name: 'weights.bin', bytes: new ArrayBuffer(0) }]))).toMatch(/keras\.json is not a usable workbench model: expected modelTopology\.format/);
    [model.net, source].forEach((n) => n.dispose());
  });
});

describe('bundled models by URL and index', () => {
  it('loads model.json + weights.bin through tf.io.http, lists the index, loads lazily through the registry', async () => {
    const { model, source } = trained();
    const { modelJson, weights } = await modelToBytes(model);
    const entry = { ...model.info, id: 'demo', name: 'Demo', path: 'demo/model.json' };
    const files = {
      'http://app.test/models/index.json': JSON.stringify({ format: 'ct-seg-workbench/model-index', models: [entry] }),
      'http://app.test/models/demo/model.json': modelJson,
      'http://app.test/models/demo/weights.bin': weights,
    };
    const fetchFunc = memoryFetch(files);
    const byUrl = await loadModelFromUrl('http://app.test/models/demo/model.json', { fetchFunc });
    await expectSameWeights(model.net, byUrl.net);
    expect(byUrl.info.source).toBe('bundled');

    const listed = await readBundledIndex('http://app.test/models/index.json', fetchFunc);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: 'demo', source: 'bundled', location: 'http://app.test/models/demo/model.json', classes: CLASSES });

    const reg = new ModelRegistry({ fetchFunc });
    await reg.addBundledIndex('http://app.test/models/index.json');
    expect(reg.listModels().map((m) => m.id)).toEqual(['demo']);
    const loaded = await reg.load('demo');
    expect(await reg.load('demo')).toBe(loaded); // loaded once
    await expectSameWeights(model.net, loaded.net);
    expect(loaded.info.name).toBe('Demo');
    await expect(reg.load('nope')).rejects.toThrow(/No model with id "nope"; known models: demo/);
    expect(await badModel(loadModelFromUrl('http://app.test/models/missing/model.json', { fetchFunc }))).toMatch(/missing\/model\.json could not be read/);
    reg.dispose();
    [model.net, source, byUrl.net].forEach((n) => n.dispose());
  });

  it('refuses an index that is not one', async () => {
    const fetchFunc = memoryFetch({ '/models/index.json': '{"models": 3}', '/bad.json': 'nope' });
    expect(await badModel(readBundledIndex('/models/index.json', fetchFunc))).toMatch(/is not a model index: expected \{"format": "ct-seg-workbench\/model-index"/);
    expect(await badModel(readBundledIndex('/bad.json', fetchFunc))).toMatch(/\/bad\.json is not JSON/);
    expect(await badModel(readBundledIndex('/none.json', fetchFunc))).toMatch(/HTTP 404/);
    expect(resolveRelative('demo/model.json', '/models/index.json')).toBe('/models/demo/model.json');
    expect(resolveRelative('demo/model.json', 'http://x.test/app/models/index.json')).toBe('http://x.test/app/models/demo/model.json');
  });
});

describe('IndexedDB', () => {
  it('save, list, load back (through an in-memory store standing in for IndexedDB)', async () => {
    const store = memoryStore();
    const { model, source } = trained();
    const url = await saveModelToIndexedDB(model, undefined, store);
    expect(url).toBe(`${INDEXEDDB_PREFIX}${model.info.id}`);
    const back = await loadModelFromIndexedDB(url, { store });
    await expectSameWeights(model.net, back.net);
    expect(back.info).toMatchObject({ source: 'saved', location: url, classes: CLASSES });
    const reg = new ModelRegistry({ store });
    const found = await reg.discoverSaved();
    expect(found.map((m) => m.location)).toEqual([url]);
    expect(await reg.discoverSaved()).toEqual([]); // already known
    await expect(loadModelFromIndexedDB('liver', { store })).rejects.toThrow(/"liver" is not an IndexedDB model key; expected "indexeddb:\/\/<name>"/);
    reg.dispose();
    [model.net, source, back.net].forEach((n) => n.dispose());
  });

  it('says plainly when IndexedDB is not available (Node)', async () => {
    await expect(loadModelFromIndexedDB(`${INDEXEDDB_PREFIX}x`, { store: indexedDbStore })).rejects.toThrow(/IndexedDB is not available here/);
  });
});

describe('ModelRegistry', () => {
  it('adds, lists, exports and removes models, disposing their networks', async () => {
    const reg = new ModelRegistry();
    const { model, source } = trained();
    const info = reg.add(model);
    expect(reg.listModels()).toEqual([info]);
    const bytes = await reg.toBytes(info.id);
    const again = await reg.loadFiles([{ name: 'model.json', bytes: bytes.modelJson }, { name: 'weights.bin', bytes: bytes.weights }], { name: 'uploaded copy' });
    expect(reg.listModels().map((m) => [m.name, m.source])).toEqual([[info.name, 'trained'], ['uploaded copy', 'uploaded']]);
    const before = tf.memory().numTensors;
    expect(reg.remove(info.id)).toBe(true);
    expect(tf.memory().numTensors).toBeLessThan(before);
    expect(reg.listModels().map((m) => m.id)).toEqual([again.id]);
    reg.dispose();
    expect(reg.listModels()).toEqual([]);
    source.dispose();
  });
});
