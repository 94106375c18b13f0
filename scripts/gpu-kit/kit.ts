/**
 * The GPU kit's stages (bundled into .gpu-kit/kit.mjs by scripts/gpu-kit/build.mjs; run by .gpu-kit/run.sh):
 *
 *   node kit.mjs <stage> <outdir> --budget smoke|full [--peak-tflops 67] [--seconds S]
 *
 * Stages: adapter (kit.json), parity, conv3d, train-step, augment, inference (<stage>.json each),
 * summary (merges the stage statuses run.sh recorded into kit.json). Each stage rewrites its JSON file after
 * every case, so a stage stopped by its time limit still leaves what it measured.
 */
import './dawn-preload';
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../../src/core/backend/select';
import type { Device } from '../../src/core/backend/device';
import { installNodeWebGPU } from '../../src/core/platform/node-webgpu';
import { configureConv3DKernels, registerFastKernels, restoreBuiltinKernels } from '../../src/core/kernels';
import { Rng } from '../../src/core/random';
import { createDualPathNet, type PresetName } from '../../src/core/networks';
import { NesterovSgd } from '../../src/core/engines/optimizer';
import { trainStep } from '../../src/core/engines/train-step';
import { DEFAULT_AUGMENT, drawPatchTransforms } from '../../src/core/transforms/augment';
import { cutPatches, samplePatchBatchReference } from '../../src/core/transforms/sample-patch-batch';
import { syntheticVolume } from '../../src/core/transforms/synthetic-volume';
import { packTrainingSet, uploadTrainingSet } from '../../src/core/transforms/training-set';
import { readNifti, type Vec3 } from '../../src/core/data';
import { segmentVolume, type PredictorModelMeta } from '../../src/core/engines/predictor';
import { runConv3dBench, summarize, type BenchCase } from '../../bench/conv3d/run-cases';
import { resampledPatientA } from '../../bench/synthetic-scan';
import { runParityTables, type ParityRow } from './parity';
import { randomTrainBatch } from '../../bench/random-batch';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    budget: { type: 'string', default: 'smoke' },
    'peak-tflops': { type: 'string', default: '67' },
    seconds: { type: 'string', default: '60' },
    repo: { type: 'string', default: '.' },
    stages: { type: 'string' },
  },
});
const [stage, outDir] = positionals;
if (!stage || !outDir) throw new Error('usage: node kit.mjs <stage> <outdir> --budget smoke|full');
if (values.budget !== 'smoke' && values.budget !== 'full') throw new Error(`--budget must be smoke or full; it is "${values.budget}"`);
const full = values.budget === 'full';
const peakTflops = Number(values['peak-tflops']);
const stageSeconds = Number(values.seconds);
const stageStart = performance.now();
/** Seconds left of this stage's share (run.sh kills the stage at its limit; stages stop a little before). */
const left = () => stageSeconds - (performance.now() - stageStart) / 1000;
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] [${stage}] ${s}`);

function write(name: string, data: unknown): void {
  writeFileSync(join(outDir, name), JSON.stringify(data, null, 1) + '\n');
}

function host() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), loadAverage1m: Number(loadavg()[0].toFixed(2)), node: process.version, tfjs: tf.version.tfjs };
}

async function gpuBackend(): Promise<Device> {
  if (!installNodeWebGPU()) throw new Error('dawn.node (the webgpu package) could not be loaded');
  const b = await initBackend(['webgpu']);
  if (b.info.name !== 'webgpu') throw new Error(`no WebGPU adapter: ${b.info.reason ?? ''}`);
  // Correctness and speed on real hardware are measured with the kernels' GPU tuning.
  configureConv3DKernels({ tuneFor: 'gpu' });
  log(`adapter: ${b.info.adapter}${b.info.software ? ' (software)' : ''}`);
  return b;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const header = (b: Device) => ({ date: new Date().toISOString(), budget: values.budget, adapter: b.info.adapter, software: b.info.software ?? false, tuneFor: 'gpu', host: host() });

async function adapterStage(): Promise<void> {
  const b = await gpuBackend();
  const gpu = (globalThis as { navigator: { gpu: GPU } }).navigator.gpu;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  const info = (adapter as (GPUAdapter & { info?: GPUAdapterInfo }) | null)?.info;
  const limits: Record<string, number> = {};
  if (adapter) for (const k in adapter.limits) limits[k] = (adapter.limits as unknown as Record<string, number>)[k];
  write('kit.json', {
    ...header(b),
    adapterInfo: info ? { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description } : null,
    features: adapter ? [...adapter.features].sort() : [],
    adapterLimits: limits,
    deviceLimits: b.info.limits,
    env: { VK_DRIVER_FILES: process.env.VK_DRIVER_FILES, VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES, LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH },
    peakTflops,
  });
  // A full run on a software adapter would spend the GPU machine's minutes measuring a CPU: say so and stop.
  if (full && b.info.software) {
    console.error(`the only WebGPU adapter is a software one (${b.info.adapter}); the full budget needs the GPU`);
    process.exit(3);
  }
}

async function parityStage(): Promise<void> {
  const b = await gpuBackend();
  const rows: ParityRow[] = [];
  const save = () => write('parity.json', { ...header(b), passed: rows.filter((r) => r.pass).length, failed: rows.filter((r) => !r.pass).length, rows });
  await runParityTables(b, (r) => {
    rows.push(r);
    log(`${r.pass ? 'pass' : 'FAIL'} ${r.kernel} ${r.case}: ${r.maxError.toExponential(2)} (tol ${r.tolerance}) ${r.error ?? ''}`);
    save();
  }, full ? { chunked: true } : { convCases: ['odd channels 3→5, non-cubic', 'stride 2, same padding'], othersPerTable: 2 });
  save();
}

async function conv3dStage(): Promise<void> {
  const b = await gpuBackend();
  const cases: (BenchCase & { fractionOfPeak: number; baselineFractionOfPeak: number })[] = [];
  const opts = full ? { batch: 12, maxOutput: undefined, runs: 3, budgetMs: 400 } : { batch: 1, maxOutput: 3, runs: 1, budgetMs: 50, filter: 'squeeze' };
  let stoppedEarly: string | undefined;
  const save = () => {
    const done = cases.length ? summarize(cases) : undefined;
    write('conv3d.json', { ...header(b), settings: { ...opts, peakTflops }, summary: done, ...(stoppedEarly ? { stoppedEarly } : {}), cases });
  };
  const STOP = 'stopped: ';
  await runConv3dBench(b, {
    ...opts,
    tuneFor: 'gpu',
    log,
    onCase: (c) => {
      cases.push({ ...c, fractionOfPeak: c.gflops / (peakTflops * 1000), baselineFractionOfPeak: c.baselineGflops / (peakTflops * 1000) });
      save();
      if (left() < 20) throw new Error(`${STOP}the stage's ${stageSeconds} s were nearly spent after ${cases.length} cases`);
    },
  }).catch((e: unknown) => {
    if (!(e instanceof Error && e.message.startsWith(STOP))) throw e;
    stoppedEarly = e.message.slice(STOP.length);
    log(e.message);
  });
  save();
}

async function trainStepStage(): Promise<void> {
  const b = await gpuBackend();
  const plan: { preset: PresetName; batch: number; runs: number }[] = full
    ? [{ preset: 'paper', batch: 12, runs: 5 }, { preset: 'small', batch: 12, runs: 5 }]
    : [{ preset: 'tiny', batch: 1, runs: 1 }];
  const rows: unknown[] = [];
  for (const kernels of full ? (['fast', 'tfjs'] as const) : (['fast'] as const)) {
    for (const p of plan) {
      if (left() < 15) break;
      if (kernels === 'fast') registerFastKernels();
      else restoreBuiltinKernels();
      const { net, batch, geometry } = randomTrainBatch(p.preset, p.batch);
      const optimizer = new NesterovSgd({ learningRate: 1e-3 });
      const step = () => trainStep({ device: b, net, optimizer, batch, loss: 'cross-entropy' });
      const t0 = performance.now();
      const first = await step();
      const firstMs = performance.now() - t0;
      const ms: number[] = [];
      const losses = [first.loss];
      for (let i = 0; i < p.runs && left() > 10; i++) {
        const s = performance.now();
        losses.push((await step()).loss);
        ms.push(performance.now() - s);
      }
      b.monitor?.check(`training steps of ${p.preset}`);
      tf.dispose([batch.full, batch.context, batch.labels]);
      optimizer.dispose();
      const parameters = net.summary().parameters;
      net.dispose();
      const row = { preset: p.preset, batch: p.batch, kernels, outputSize: geometry.outputSize, parameters, firstStepMsIncludingCompile: Math.round(firstMs), medianStepMs: ms.length ? Math.round(median(ms)) : null, runsMs: ms.map(Math.round), losses, lossesFinite: losses.every(Number.isFinite) };
      rows.push(row);
      log(JSON.stringify(row));
      write('train-step.json', { ...header(b), rows });
    }
  }
  registerFastKernels();
  write('train-step.json', { ...header(b), rows });
}

async function augmentStage(): Promise<void> {
  const b = await gpuBackend();
  const geom = full ? { outputSize: 16, rFull: 15, rContext: 15 } : { outputSize: 4, rFull: 3, rContext: 3 };
  const batchSize = full ? 12 : 2;
  const dims: Vec3 = full ? [122, 101, 112] : [30, 26, 22];
  const vol = syntheticVolume({ dims, seed: 1, spacing: [3, 3, 3] });
  const range = { min: -1000 / 218, max: 1000 / 218 };
  const set = uploadTrainingSet([vol], { valueRange: range });
  const packed = packTrainingSet([vol], { valueRange: range });
  const rng = new Rng(1);
  const draw = () => drawPatchTransforms(Array.from({ length: batchSize }, () => ({ image: 0, centre: [rng.int(dims[0]), rng.int(dims[1]), rng.int(dims[2])] as Vec3 })), () => [3, 3, 3], DEFAULT_AUGMENT, rng);
  // Values: the GPU batch against the CPU reference for the same transforms.
  const t = draw();
  const p = cutPatches(set, t, geom);
  const [gf, gc, gl] = await Promise.all([p.full.data(), p.context.data(), p.labels!.data()]);
  tf.dispose([p.full, p.context, p.labels!]);
  const ref = samplePatchBatchReference(packed, t, geom);
  let maxImageErr = 0;
  gf.forEach((v, i) => (maxImageErr = Math.max(maxImageErr, Math.abs(v - ref.full[i]))));
  gc.forEach((v, i) => (maxImageErr = Math.max(maxImageErr, Math.abs(v - ref.context[i]))));
  let labelMismatches = 0;
  gl.forEach((v, i) => (labelMismatches += v === ref.labels[i] ? 0 : 1));
  const runs = full ? 10 : 2;
  const gpuMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const tr = draw();
    const t0 = performance.now();
    const q = cutPatches(set, tr, geom);
    await tf.tidy(() => tf.addN([q.full.sum(), q.context.sum(), q.labels!.sum().toFloat()])).data();
    gpuMs.push(performance.now() - t0);
    tf.dispose([q.full, q.context, q.labels!]);
  }
  const cpuMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const tr = draw();
    const t0 = performance.now();
    samplePatchBatchReference(packed, tr, geom);
    cpuMs.push(performance.now() - t0);
  }
  b.monitor?.check('augmentation stage');
  set.dispose();
  const r = {
    ...header(b),
    what: `one batch of ${batchSize} patches, O=${geom.outputSize}, r_f=r_c=${geom.rFull}, rotation+spacing augmentation, from a ${dims.join('×')} volume`,
    parity: { maxImageErr, tolerance: 1e-5, labelMismatches, pass: maxImageErr <= 1e-5 && labelMismatches === 0 },
    gpuMedianMs: Number(median(gpuMs).toFixed(2)), cpuReferenceMedianMs: Number(median(cpuMs).toFixed(2)),
    speedupOverCpu: Number((median(cpuMs) / median(gpuMs)).toFixed(2)),
    runs: { gpuMs: gpuMs.map((v) => Number(v.toFixed(2))), cpuMs: cpuMs.map((v) => Number(v.toFixed(2))) },
  };
  log(JSON.stringify({ parity: r.parity, gpuMedianMs: r.gpuMedianMs, cpu: r.cpuReferenceMedianMs }));
  write('augment.json', r);
}

async function inferenceStage(): Promise<void> {
  const b = await gpuBackend();
  const a = readNifti(new Uint8Array(readFileSync(join(values.repo!, 'public/demo/ct.nii.gz'))), 'ct.nii.gz');
  const dims: Vec3 = full ? [512, 512, 300] : [64, 64, 40];
  const preset: PresetName = full ? 'paper' : 'tiny';
  const spacings = full ? [2, 1] : [6];
  const image = resampledPatientA(a, dims, [0.8, 0.8, 1]);
  const classNames = ['background', 'spleen', 'kidney_right', 'kidney_left', 'liver'];
  const net = createDualPathNet({ preset, numClasses: classNames.length, seed: 1 });
  const rows: unknown[] = [];
  for (const s of spacings) {
    if (left() < 20) break;
    const meta: PredictorModelMeta = { classNames, trainingSpacing: [s, s, s], normalisation: { min: -1000, max: 1000, divisor: 218 } };
    let tiles = 0;
    const t0 = performance.now();
    const r = await segmentVolume({ device: b, net, meta, image, onProgress: (p) => (tiles = p.tilesDone) });
    const ms = performance.now() - t0;
    b.monitor?.check(`inference at ${s} mm`);
    const labels = (r as unknown as { labels?: { data: ArrayLike<number> } }).labels;
    const row = { volume: `${dims.join('×')} at 0.8×0.8×1 mm (patient A resampled)`, preset, trainingSpacingMm: s, tiles, msIncludingCompile: Math.round(ms), predictorMs: Math.round(r.ms), labelVoxels: labels?.data.length ?? null };
    rows.push(row);
    log(JSON.stringify(row));
    write('inference.json', { ...header(b), note: 'random Glorot weights: the time does not depend on the weights', rows });
  }
  net.dispose();
  write('inference.json', { ...header(b), note: 'random Glorot weights: the time does not depend on the weights', rows });
}

/** kit.json: the adapter (from the adapter stage) and every stage's status as run.sh recorded it. */
function summaryStage(): void {
  const path = join(outDir, 'kit.json');
  const kit = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : { adapter: null, note: 'the adapter stage wrote nothing' };
  const lines = values.stages && existsSync(values.stages) ? readFileSync(values.stages, 'utf8').trim().split('\n') : [];
  kit.stages = lines.filter(Boolean).map((l) => {
    const [name, rc, seconds, limit] = l.split(' ');
    const code = Number(rc);
    return { stage: name, ok: code === 0, exitCode: code, seconds: Number(seconds), limitSeconds: Number(limit), ...(code === 124 || code === 137 ? { note: 'stopped at its time limit' } : {}) };
  });
  kit.files = {};
  for (const f of ['parity.json', 'conv3d.json', 'train-step.json', 'augment.json', 'inference.json', 'train-demo.tgz', 'kit.log']) kit.files[f] = existsSync(join(outDir, f));
  writeFileSync(path, JSON.stringify(kit, null, 1) + '\n');
}

const STAGES: Record<string, () => Promise<void> | void> = {
  adapter: adapterStage, parity: parityStage, conv3d: conv3dStage, 'train-step': trainStepStage, augment: augmentStage, inference: inferenceStage, summary: summaryStage,
};

const run = STAGES[stage];
if (!run) throw new Error(`unknown stage "${stage}"; stages: ${Object.keys(STAGES).join(', ')}`);
Promise.resolve(run()).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`[${stage}] failed:`, e);
    process.exit(1);
  },
);
