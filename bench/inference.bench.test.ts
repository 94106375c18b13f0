/**
 * Benchmark (not part of the unit suite): whole-volume inference through the app's predictor
 * (`segmentVolume`: training-grid resample, upload, sliding window, softmax, argmax, largest component,
 * mapping back to the scan grid) with the `tiny` preset (random Glorot weights: the time does not depend on
 * the weights), with tfjs's built-in WebGPU conv3d and with the workbench's fast conv3d kernels.
 *
 *   BENCH=1 npm run test:unit -- bench/inference
 *   BENCH_CASES=patientA@6,synthetic512@6 (default; also patientA@3, synthetic512@3)
 *   BENCH_KERNELS=builtin,fast (default); BENCH_RUNS timed runs after the warm-up (default 1);
 *   BENCH_WARMUP=0 skips the warm-up run (then the timed run includes shader compilation); BENCH_PROFILE=0
 *   runs the warm-up without `tf.profile` (no peak bytes; profiling slows the warm-up down);
 *   BENCH_OUT names the JSON file (default bench/results/inference.json). Rows are merged into the
 *   existing file by (volume, spacing, kernels), each with its own date and load average.
 *
 * Volumes: patient A (public/demo/ct.nii.gz, 122×101×112 at 3 mm) and a 512×512×300 scan at 0.8×0.8×1 mm
 * made by sampling patient A trilinearly (HU; air outside its field of view) on that grid, centred.
 * The warm-up run is wrapped in `tf.profile` for the peak tensor bytes (its time is not the result); between
 * tiles the live tensor count/bytes are sampled, to show nothing grows with the number of tiles.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { describe, expect, it } from 'vitest';
import { testDevice, webgpuForTests } from '../src/testing/gpu';
import { readNifti, type Volume } from '../src/core/data';
import { repoFile } from '../src/core/data/testing/repo-files';
import { createDualPathNet, type DualPathNet } from '../src/core/networks';
import { segmentVolume, type PredictorModelMeta, type SegmentProgress } from '../src/core/engines/predictor';
import * as kernels from '../src/core/kernels';
import { resampledPatientA } from './synthetic-scan';
import { machine } from '../src/core/platform/machine';

const CASES = (process.env.BENCH_CASES ?? 'patientA@6,synthetic512@6').split(',');
const KERNELS = (process.env.BENCH_KERNELS ?? 'builtin,fast').split(',');
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const WARMUP = process.env.BENCH_WARMUP !== '0';
const PROFILE = process.env.BENCH_PROFILE !== '0';
const OUT = process.env.BENCH_OUT ?? 'bench/results/inference.json';
const NORM = { min: -1000, max: 1000, divisor: 218 };
const CLASSES = ['background', 'spleen', 'kidney_right', 'kidney_left', 'liver'];

function loadVolumes(): Record<string, Volume> {
  const a = readNifti(repoFile('public/demo/ct.nii.gz'), 'ct.nii.gz');
  const need512 = CASES.some((c) => c.startsWith('synthetic512'));
  return { patientA: a, ...(need512 ? { synthetic512: resampledPatientA(a, [512, 512, 300], [0.8, 0.8, 1]) } : {}) };
}

interface RunRecord {
  ms: number;
  inferenceDoneMs: number;
  firstTileMs: number;
  tileMs: number[];
  between: { maxTensors: number; maxBytes: number; minBytes: number };
}

async function runOnce(net: DualPathNet, meta: PredictorModelMeta, image: Volume) {
  const progress: { p: SegmentProgress; tensors: number; bytes: number }[] = [];
  const onProgress = (p: SegmentProgress) => {
    const m = tf.memory();
    progress.push({ p, tensors: m.numTensors, bytes: m.numBytes });
  };
  const r = await segmentVolume({ device: testDevice(), net, meta, image, onProgress });
  const infer = progress.filter((x) => x.p.stage === 'infer');
  const done = progress.find((x) => x.p.stage === 'finish')!.p.elapsedMs;
  const tileMs = infer.map((x, i) => x.p.elapsedMs - (i === 0 ? 0 : infer[i - 1].p.elapsedMs)).slice(1);
  const record: RunRecord = {
    ms: Math.round(r.ms),
    inferenceDoneMs: Math.round(done),
    firstTileMs: Math.round(infer[0].p.elapsedMs),
    tileMs: tileMs.map(Math.round),
    between: { maxTensors: Math.max(...infer.map((x) => x.tensors)), maxBytes: Math.max(...infer.map((x) => x.bytes)), minBytes: Math.min(...infer.map((x) => x.bytes)) },
  };
  return { r, record };
}

async function benchCase(volumes: Record<string, Volume>, key: string, kernelsUsed: string) {
  const [name, mm] = key.split('@');
  const image = volumes[name];
  const spacing = Number(mm);
  const net = createDualPathNet({ preset: 'tiny', numClasses: CLASSES.length, seed: 1 });
  const meta: PredictorModelMeta = { classNames: CLASSES, trainingSpacing: [spacing, spacing, spacing], normalisation: NORM };
  const before = tf.memory().numTensors;
  let warmup: { msIncludingCompile: number; profiled: boolean; peakBytes?: number; newTensors?: number } | undefined;
  if (WARMUP) {
    const t0 = performance.now();
    if (PROFILE) {
      const info = await tf.profile(async () => {
        await segmentVolume({ device: testDevice(), net, meta, image });
        return [];
      });
      warmup = { msIncludingCompile: Math.round(performance.now() - t0), profiled: true, peakBytes: info.peakBytes, newTensors: info.newTensors };
    } else {
      await segmentVolume({ device: testDevice(), net, meta, image });
      warmup = { msIncludingCompile: Math.round(performance.now() - t0), profiled: false };
    }
  }
  const runs: RunRecord[] = [];
  let details;
  for (let i = 0; i < RUNS; i++) {
    const { r, record } = await runOnce(net, meta, image);
    runs.push(record);
    details = r.details;
  }
  const leaked = tf.memory().numTensors - before;
  net.dispose();
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const [gx, gy, gz] = details!.trainingGrid;
  const gridVoxels = gx * gy * gz;
  const scanVoxels = image.dims[0] * image.dims[1] * image.dims[2];
  const halo = details!.tileSize + 2 * net.rFull;
  return {
    volume: name, scanDims: image.dims, scanSpacingMm: image.spacing, trainingSpacingMm: spacing, kernelsUsed,
    date: new Date().toISOString(), loadAverage1m: Number(loadavg()[0].toFixed(2)),
    trainingGrid: details!.trainingGrid, tileSize: details!.tileSize, tiles: details!.tiles,
    computedVoxelsPerTile: halo ** 3,
    totalMs: best.ms, runsMs: runs.map((r) => r.ms), includesCompile: !WARMUP,
    inferenceDoneMs: best.inferenceDoneMs, afterInferenceMs: best.ms - best.inferenceDoneMs,
    medianTileMs: best.tileMs.length ? [...best.tileMs].sort((a, b) => a - b)[Math.floor(best.tileMs.length / 2)] : best.firstTileMs,
    gridVoxelsPerS: Math.round(gridVoxels / (best.ms / 1000)),
    scanVoxelsPerS: Math.round(scanVoxels / (best.ms / 1000)),
    memory: {
      warmup,
      betweenTiles: best.between,
      gridUploadBytes: gridVoxels * 4,
      wholeLogitsBytes: gridVoxels * CLASSES.length * 4,
      leakedTensors: leaked,
    },
  };
}

type Row = Awaited<ReturnType<typeof benchCase>>;

function merge(rows: Row[], common: Record<string, unknown>): Record<string, unknown> {
  const old = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as { rows: Row[] }).rows : [];
  const id = (r: Row) => `${r.volume}@${r.trainingSpacingMm}/${r.kernelsUsed}`;
  const byId = new Map(old.map((r) => [id(r), r]));
  for (const r of rows) byId.set(id(r), r);
  return { ...common, rows: [...byId.values()].sort((a, b) => id(a).localeCompare(id(b))) };
}

describe.runIf(process.env.BENCH === '1')('inference benchmark', () => {
  it('times segmentVolume (tiny preset) on patient A and a 512×512×300 scan, built-in vs fast conv3d', async () => {
    const gpu = await webgpuForTests();
    await tf.setBackend('webgpu');
    const volumes = loadVolumes();
    const rows: Row[] = [];
    for (const key of CASES) {
      for (const k of KERNELS) {
        if (k === 'fast') kernels.registerFastKernels();
        else kernels.restoreBuiltinKernels();
        rows.push(await benchCase(volumes, key, k === 'fast' ? 'workbench fast conv3d' : 'tfjs built-in'));
        kernels.restoreBuiltinKernels();
        gpu.monitor!.check(`inference benchmark ${key} ${k}`);
        console.log(JSON.stringify(rows[rows.length - 1]));
      }
    }
    const result = merge(rows, {
      what: 'segmentVolume (tiny preset, 5 classes, random weights, no overlap, largest component on) end to end; totalMs is the best timed run after a profiled warm-up unless includesCompile',
      synthetic512: 'patient A (HU) sampled trilinearly on a centred 512×512×300 grid at 0.8×0.8×1 mm, -1000 HU outside its field of view',
      date: new Date().toISOString(),
      host: machine(gpu.info.adapter ?? 'unknown'),
      adapter: gpu.info.adapter,
      tfjs: tf.version.tfjs,
    });
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
    for (const r of rows) {
      expect(r.memory.leakedTensors).toBe(0);
      // Between tiles only the uploaded grid and a few small tensors live: nothing grows per tile, and
      // the volume's logits are never held (they alone would be wholeLogitsBytes).
      expect(r.memory.betweenTiles.maxBytes).toBe(r.memory.betweenTiles.minBytes);
      expect(r.memory.betweenTiles.maxBytes).toBeLessThan(r.memory.gridUploadBytes + r.memory.wholeLogitsBytes);
      expect(r.tiles).toBeGreaterThan(0);
      expect(r.totalMs).toBeGreaterThan(0);
    }
  }, 60 * 60_000);
});
