import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../errors';
import { createDualPathNet, type DualPathNet } from './dual-path-net';
import { MODEL_FORMAT, type ModelMeta } from './model-format';
import { loadNet, netArtifacts, saveNet } from './serialize';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const meta: ModelMeta = {
  classNames: ['background', 'liver'],
  normalisation: { min: -1000, max: 1000, divisor: 218 },
  provenance: { seed: 9, data: 'patient A organs4, 3 mm', iterations: 1200, gitCommit: 'abc1234' },
};

/** A Node file handler writing/reading model.json + weights.bin, as a CLI would. */
function fileHandler(dir: string): tf.io.IOHandler {
  return {
    async save(a) {
      const modelJSON = {
        modelTopology: a.modelTopology,
        format: a.format,
        generatedBy: a.generatedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJSON));
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!)));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    },
    async load() {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const bytes = readFileSync(join(dir, manifest[0].paths[0]));
        return [tf.io.getWeightSpecs(manifest), bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
      });
    },
  };
}

function inputs(net: DualPathNet, n: number, seed: number) {
  const g = net.geometry();
  return {
    full: tf.randomUniform([n, g.fullInputSize, g.fullInputSize, g.fullInputSize, 1], -1, 1, 'float32', seed) as tf.Tensor5D,
    context: tf.randomUniform([n, g.contextInputSize, g.contextInputSize, g.contextInputSize, 1], -1, 1, 'float32', seed + 1) as tf.Tensor5D,
  };
}

async function expectLoadError(handler: tf.io.IOHandler, pattern: RegExp) {
  let caught: unknown;
  try {
    await loadNet(handler, 'model.json');
  } catch (e) {
    caught = e;
  }
  expect(isWorkbenchError(caught, 'bad-model')).toBe(true);
  expect((caught as Error).message).toMatch(pattern);
}

describe('save and load in the tfjs model format', () => {
  it('round trip through model.json + weights.bin files gives identical outputs, running averages included', async () => {
    const net = createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 9 });
    const x = inputs(net, 2, 3);
    tf.dispose(net.apply(x, true)); // moves the batch-norm running averages away from (0, 1)
    const before = await net.apply(x, false).data();
    const dir = mkdtempSync(join(tmpdir(), 'dpn-'));
    await saveNet(net, fileHandler(dir), meta);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.modelTopology.format).toBe(MODEL_FORMAT);
    expect(json.modelTopology.provenance).toMatchObject({ seed: 9, iterations: 1200, gitCommit: 'abc1234' });
    expect(Date.parse(json.modelTopology.provenance.date)).not.toBeNaN();
    expect(json.modelTopology.trainingSpacing).toEqual([3, 3, 3]);
    expect(readFileSync(join(dir, 'weights.bin')).byteLength).toBe(4 * net.params.list.reduce((s, p) => s + p.variable.size, 0));

    const { net: loaded, topology } = await loadNet(fileHandler(dir), 'model.json');
    expect(topology.classNames).toEqual(['background', 'liver']);
    expect(topology.normalisation).toEqual(meta.normalisation);
    const after = await loaded.apply(x, false).data();
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(loaded.summary()).toEqual(net.summary());
    tf.dispose([x.full, x.context]);
    net.dispose();
    loaded.dispose();
  });

  it('loads through tf.io.fromMemory / withSaveHandler, and a differently seeded net differs before loading', async () => {
    const net = createDualPathNet({ preset: 'tiny', numClasses: 3, seed: 1 });
    let saved: tf.io.ModelArtifacts | undefined;
    await saveNet(net, tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) })), {
      ...meta,
      classNames: ['bg', 'a', 'b'],
    });
    const other = createDualPathNet({ preset: 'tiny', numClasses: 3, seed: 2 });
    const x = inputs(net, 1, 5);
    const ref = Array.from(await net.apply(x, false).data());
    expect(Array.from(await other.apply(x, false).data())).not.toEqual(ref);
    const { net: loaded } = await loadNet(tf.io.fromMemory(saved!));
    expect(Array.from(await loaded.apply(x, false).data())).toEqual(ref);
    tf.dispose([x.full, x.context]);
    [net, other, loaded].forEach((n) => n.dispose());
  });

  it('wrong or corrupt files give a clear bad-model error', async () => {
    const net = createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 1 });
    const good = await netArtifacts(net, meta);
    const data = tf.io.CompositeArrayBuffer.join(good.weightData!);
    const topo = good.modelTopology as Record<string, unknown>;
    await expectLoadError(tf.io.fromMemory({ ...good, weightData: data.slice(0, data.byteLength - 8) }), /describes \d+ bytes of weights but the weights file has \d+/);
    await expectLoadError(tf.io.fromMemory({ ...good, modelTopology: { class_name: 'Sequential', config: {} } }), /modelTopology.format "ct-seg-workbench\/dual-path-net"/);
    await expectLoadError(tf.io.fromMemory({ ...good, modelTopology: { ...topo, version: 99 } }), /format version/);
    await expectLoadError(tf.io.fromMemory({ ...good, modelTopology: { ...topo, classNames: ['only one'] } }), /2 class names/);
    await expectLoadError(tf.io.fromMemory({ ...good, weightSpecs: good.weightSpecs!.slice(1) }), /expected a weight named "full\/stem\/w"/);
    const broken = {
      async load(): Promise<tf.io.ModelArtifacts> {
        return JSON.parse('{"modelTopology": ');
      },
    };
    await expectLoadError(broken, /could not be read as a tfjs model/);
    net.dispose();
  });

  it('refuses to save with the wrong number of class names', async () => {
    const net = createDualPathNet({ preset: 'tiny', numClasses: 2, seed: 1 });
    await expect(netArtifacts(net, { ...meta, classNames: ['a', 'b', 'c'] })).rejects.toThrow(/2 classes but 3 class names/);
    net.dispose();
  });
});
