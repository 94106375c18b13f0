/**
 * Benchmark (not part of the unit suite; run with BENCH=1 npm run test:unit -- bench/patch-sampler):
 * one batch of training patches in the paper's geometry (O = 16, r_f = r_c = 15, batch 12) cut by the
 * WebGPU kernel vs the CPU reference, from a 122×101×112 volume (patient A's grid at 3 mm).
 * Writes bench/results/patch-sampler.json.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { describe, expect, it } from 'vitest';
import { webgpuForTests } from '../src/testing/gpu';
import { hostDescription } from '../src/core/env';
import { Rng } from '../src/core/random';
import { DEFAULT_AUGMENT, drawPatchTransforms } from '../src/core/transforms/augment';
import { cutPatches, samplePatchBatchReference } from '../src/core/transforms/sample-patch-batch';
import { syntheticVolume } from '../src/core/transforms/synthetic-volume';
import { packTrainingSet, uploadTrainingSet } from '../src/core/transforms/training-set';
import type { Vec3 } from '../src/core/data/volume';

const GEOM = { outputSize: 16, rFull: 15, rContext: 15 };
const BATCH = 12;
const RUNS = 5;

describe.runIf(process.env.BENCH === '1')('patch sampler benchmark', () => {
  it('times one batch on WebGPU and on the CPU reference', async () => {
    const b = await webgpuForTests();
    const vol = syntheticVolume({ dims: [122, 101, 112], seed: 1, spacing: [3, 3, 3] });
    const range = { min: -1000 / 218, max: 1000 / 218 };
    const set = uploadTrainingSet([vol], { valueRange: range });
    const rng = new Rng(1);
    const batchTransforms = () =>
      drawPatchTransforms(
        Array.from({ length: BATCH }, () => ({ image: 0, centre: [rng.int(122), rng.int(101), rng.int(112)] as Vec3 })),
        () => [3, 3, 3],
        DEFAULT_AUGMENT,
        rng,
      );
    const gpuRun = async (readAll: boolean) => {
      const t0 = performance.now();
      const p = cutPatches(set, batchTransforms(), GEOM);
      if (readAll) await Promise.all([p.full.data(), p.context.data(), p.labels!.data()]);
      else await tf.tidy(() => tf.addN([p.full.sum(), p.context.sum(), p.labels!.sum().toFloat()])).data();
      tf.dispose([p.full, p.context, p.labels!]);
      return performance.now() - t0;
    };
    const firstMs = await gpuRun(true); // includes WGSL compilation
    const syncMs: number[] = [];
    const readbackMs: number[] = [];
    for (let i = 0; i < RUNS; i++) syncMs.push(await gpuRun(false));
    for (let i = 0; i < RUNS; i++) readbackMs.push(await gpuRun(true));
    b.monitor!.check('patch sampler benchmark');
    const packed = packTrainingSet([vol], { valueRange: range });
    const cpuMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = batchTransforms();
      const t0 = performance.now();
      samplePatchBatchReference(packed, t, GEOM);
      cpuMs.push(performance.now() - t0);
    }
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const result = {
      what: 'one batch of 12 patches, O=16, r_f=r_c=15 (full 46³, context 34³, labels 16³), rotation+spacing augmentation, from a 122×101×112 volume',
      date: new Date().toISOString(),
      host: { ...hostDescription(), cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverage1m: loadavg()[0] },
      adapter: b.info.adapter,
      tfjs: tf.version.tfjs,
      gpuFirstRunMsIncludingCompile: Math.round(firstMs),
      gpuMedianMsSyncOnly: Math.round(median(syncMs)),
      gpuMedianMsWithReadback: Math.round(median(readbackMs)),
      cpuReferenceMedianMs: Math.round(median(cpuMs)),
      runs: { syncMs: syncMs.map(Math.round), readbackMs: readbackMs.map(Math.round), cpuMs: cpuMs.map(Math.round) },
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/patch-sampler.json', JSON.stringify(result, null, 2) + '\n');
    expect(result.gpuMedianMsSyncOnly).toBeGreaterThan(0);
    set.dispose();
  });
});
