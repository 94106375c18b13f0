/**
 * Benchmark (not part of the unit suite): one training step (forward, cross-entropy, backward, Nesterov SGD)
 * of the dual-path network at each preset's default output size, on WebGPU (tfjs's built-in kernels, and our
 * fast conv3d kernels when they are available) and on tfjs's CPU backend.
 *
 *   BENCH=1 npm run test:unit -- bench/train-step
 *   BENCH=1 BENCH_PRESETS=tiny,small BENCH_BATCH=2 npm run test:unit -- bench/train-step
 *   BENCH_BACKENDS=cpu (or webgpu, webgpu-fast) limits the backends; BENCH_RUNS sets the timed steps (default 5);
 *   BENCH_OUT names the JSON file (default bench/results/train-step.json); BENCH_PROFILE=0 skips the extra
 *   profiled step (per-kernel times); BENCH_NOTE adds a note to the record (e.g. why the batch was shrunk).
 *
 * Writes bench/results/train-step.json.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { describe, expect, it } from 'vitest';
import { testDevice, webgpuForTests } from '../src/testing/gpu';
import { hostDescription } from '../src/core/env';
import { createDualPathNet, type PresetName } from '../src/core/networks';
import { NesterovSgd } from '../src/core/engines/optimizer';
import { trainStep, type TrainBatch } from '../src/core/engines/train-step';
import * as kernels from '../src/core/kernels';
import { randomTrainBatch } from './random-batch';

const PRESETS = (process.env.BENCH_PRESETS ?? 'tiny').split(',') as PresetName[];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'webgpu,webgpu-fast,cpu').split(',');
const PROFILE = process.env.BENCH_PROFILE !== '0';

/** One more step under `tf.profile`: kernel count and the kernels that took longest in all. */
async function profileStep(net: ReturnType<typeof createDualPathNet>, optimizer: NesterovSgd, batch: TrainBatch) {
  const info = await tf.profile(async () => {
    await trainStep({ device: testDevice(), net, optimizer, batch, loss: 'cross-entropy' });
    return [];
  });
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0));
  const topKernels = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, t]) => ({ name, ms: Math.round(t) }));
  return { kernels: info.kernels.length, topKernels };
}

async function timeSteps(preset: PresetName, n: number) {
  const { net, batch, geometry } = randomTrainBatch(preset, n);
  const optimizer = new NesterovSgd({ learningRate: 1e-3 });
  const t0 = performance.now();
  await trainStep({ device: testDevice(), net, optimizer, batch, loss: 'cross-entropy' });
  const firstMs = performance.now() - t0;
  await trainStep({ device: testDevice(), net, optimizer, batch, loss: 'cross-entropy' });
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await trainStep({ device: testDevice(), net, optimizer, batch, loss: 'cross-entropy' });
    ms.push(performance.now() - s);
  }
  const profiled = PROFILE ? await profileStep(net, optimizer, batch) : undefined;
  tf.dispose([batch.full, batch.context, batch.labels]);
  optimizer.dispose();
  const summary = net.summary();
  net.dispose();
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    preset, batch: n, outputSize: geometry.outputSize, parameters: summary.parameters, backend: tf.getBackend(),
    firstStepMsIncludingCompile: Math.round(firstMs), medianStepMs: Math.round(sorted[Math.floor(sorted.length / 2)]),
    runsMs: ms.map(Math.round), loadAverage1m: Number(loadavg()[0].toFixed(2)), ...profiled,
  };
}

describe.runIf(process.env.BENCH === '1')('training step benchmark', () => {
  it('times trainStep per preset on WebGPU and on the CPU backend', async () => {
    const gpu = await webgpuForTests();
    const rows = [];
    for (const preset of PRESETS) {
      const n = Number(process.env.BENCH_BATCH ?? createDualPathNet({ preset, numClasses: 2, seed: 0 }).config.defaults.batchSize);
      if (BACKENDS.includes('webgpu')) {
        await tf.setBackend('webgpu');
        kernels.restoreBuiltinKernels();
        rows.push({ kernelsUsed: 'tfjs built-in', ...(await timeSteps(preset, n)) });
      }
      if (BACKENDS.includes('webgpu-fast')) {
        await tf.setBackend('webgpu');
        kernels.registerFastKernels();
        rows.push({ kernelsUsed: 'workbench fast conv3d', ...(await timeSteps(preset, n)) });
        kernels.restoreBuiltinKernels();
      }
      gpu.monitor!.check('train-step benchmark');
      if (BACKENDS.includes('cpu')) {
        await tf.setBackend('cpu');
        rows.push({ kernelsUsed: 'tfjs cpu', ...(await timeSteps(preset, n)) });
      }
    }
    const result = {
      what: 'one trainStep (forward in training mode, cross-entropy, backward, Nesterov SGD with L2) at the preset default output size',
      date: new Date().toISOString(),
      host: { ...hostDescription(), cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverage1m: loadavg()[0] },
      adapter: gpu.info.adapter,
      tfjs: tf.version.tfjs,
      ...(process.env.BENCH_NOTE ? { note: process.env.BENCH_NOTE } : {}),
      rows,
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(process.env.BENCH_OUT ?? 'bench/results/train-step.json', JSON.stringify(result, null, 2) + '\n');
    expect(rows.every((r) => r.medianStepMs > 0)).toBe(true);
  }, 60 * 60_000);
});
