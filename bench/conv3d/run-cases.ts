/**
 * Times the fast conv3d kernels against tfjs's built-in WebGPU kernels on the same device, case by
 * case (forward, input gradient, filter gradient). Runs in the bench page and in Node over Dawn.
 *
 * Timing: one warm-up call (shader compilation), then up to `runs` timed samples. A sample is
 * `reps` back-to-back calls (reps chosen from the warm-up so that a sample lasts ≥ 40 ms, at most
 * 16: short kernels are otherwise lost in per-submit overhead and timer noise) ended by reading back
 * one element of the last result, which waits for all GPU work queued before it. Per-call times
 * (sample / reps) are reported as the median and the minimum of the samples.
 */
import * as tf from '@tensorflow/tfjs';
import type { Device } from '../../src/core/backend/device';
import { configureConv3DKernels, registerFastKernels, restoreBuiltinKernels, type Conv3DKernelOptions } from '../../src/core/kernels';
import { benchShapes, shapeMacs, type BenchSettings, type BenchShape } from './cases';

export type BenchOp = 'forward' | 'backprop-input' | 'backprop-filter';
export const BENCH_OPS: BenchOp[] = ['forward', 'backprop-input', 'backprop-filter'];

export interface BenchCase {
  layer: string;
  op: BenchOp;
  shape: { x: number[]; filter: number[]; dy: number[] };
  paperShape: { x: number[] };
  /** Medians of the timed calls. */
  ms: number;
  baselineMs: number;
  /** Fastest timed calls (less disturbed by other load on the machine). */
  minMs: number;
  baselineMinMs: number;
  speedup: number;
  gflops: number;
  baselineGflops: number;
  /** Timed samples, and calls per sample. */
  runs: number;
  baselineRuns: number;
  reps: number;
  baselineReps: number;
}

export interface RunOptions extends BenchSettings {
  runs: number;
  /** Stop timing one kernel once its timed calls add up to this (the slow baseline on a CPU adapter). */
  budgetMs: number;
  /** Only shapes whose layer name contains this. */
  filter?: string;
  /** Kernel tuning switch (default 'auto'). */
  tuneFor?: Conv3DKernelOptions['tuneFor'];
  /** Skip tfjs's kernels (baselineMs is then NaN), for quick tuning runs. */
  noBaseline?: boolean;
  log?: (line: string) => void;
  /** Sees each case as soon as it is timed (the GPU kit writes its file as it goes). */
  onCase?: (c: BenchCase) => void;
}

function opCall(op: BenchOp, sh: BenchShape, t: { x: tf.Tensor; w: tf.Tensor; dy: tf.Tensor }): () => tf.Tensor {
  const strides: [number, number, number] = [1, 1, 1];
  if (op === 'forward') return () => tf.conv3d(t.x as tf.Tensor5D, t.w as tf.Tensor5D, strides, 'valid');
  if (op === 'backprop-input')
    return () => tf.engine().runKernel(tf.Conv3DBackpropInputV2, { dy: t.dy, filter: t.w }, { strides, pad: 'valid', inputShape: sh.x }) as tf.Tensor;
  return () => tf.engine().runKernel(tf.Conv3DBackpropFilterV2, { x: t.x, dy: t.dy }, { strides, pad: 'valid', filterShape: sh.w }) as tf.Tensor;
}

async function timedSample(call: () => tf.Tensor, reps: number): Promise<number> {
  const t0 = performance.now();
  const ys: tf.Tensor[] = [];
  for (let i = 0; i < reps; i++) ys.push(call());
  const one = tf.slice(tf.reshape(ys[reps - 1], [-1]), 0, 1);
  await one.data();
  const ms = (performance.now() - t0) / reps;
  tf.dispose([...ys, one]);
  return ms;
}

const MIN_SAMPLE_MS = 40;
const MAX_REPS = 16;

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function timeKernel(device: Device, call: () => tf.Tensor, o: RunOptions, what: string): Promise<{ times: number[]; reps: number }> {
  await timedSample(call, 1);
  device.monitor?.check(what);
  const probe = await timedSample(call, 1);
  const reps = Math.max(1, Math.min(MAX_REPS, Math.round(MIN_SAMPLE_MS / probe)));
  const times: number[] = [];
  while (times.length < o.runs && (times.length === 0 || times.reduce((a, b) => a + b * reps, 0) < o.budgetMs)) {
    times.push(await timedSample(call, reps));
  }
  device.monitor?.check(what);
  return { times, reps };
}

export async function runConv3dBench(device: Device, o: RunOptions): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  configureConv3DKernels({ tuneFor: o.tuneFor ?? 'auto' });
  const shapes = benchShapes(o).filter((s) => !o.filter || s.layer.includes(o.filter));
  for (const sh of shapes) {
    const t = { x: tf.randomUniform(sh.x, -1, 1), w: tf.randomUniform(sh.w, -0.1, 0.1), dy: tf.randomUniform(sh.dy, -1, 1) };
    for (const op of BENCH_OPS) {
      const call = opCall(op, sh, t);
      registerFastKernels();
      const f = await timeKernel(device, call, o, `conv3d bench ${op} ${sh.layer} (fast)`);
      restoreBuiltinKernels();
      const b = o.noBaseline ? { times: [NaN], reps: 0 } : await timeKernel(device, call, o, `conv3d bench ${op} ${sh.layer} (tfjs)`);
      registerFastKernels();
      const [fast, base] = [f.times, b.times];
      const ms = median(fast);
      const baselineMs = median(base);
      const flop = 2 * shapeMacs(sh);
      const c: BenchCase = {
        layer: sh.layer, op,
        shape: { x: sh.x, filter: sh.w, dy: sh.dy }, paperShape: { x: sh.paperX },
        ms: round(ms), baselineMs: round(baselineMs), minMs: round(Math.min(...fast)), baselineMinMs: round(Math.min(...base)), speedup: round(baselineMs / ms),
        gflops: round(flop / ms / 1e6), baselineGflops: round(flop / baselineMs / 1e6),
        runs: fast.length, baselineRuns: base.length, reps: f.reps, baselineReps: b.reps,
      };
      cases.push(c);
      o.onCase?.(c);
      o.log?.(`${c.layer.slice(0, 28).padEnd(28)} ${op.padEnd(15)} ${c.ms.toFixed(1).padStart(9)} ms (min ${c.minMs.toFixed(1)})  tfjs ${c.baselineMs.toFixed(1).padStart(9)} ms (min ${c.baselineMinMs.toFixed(1)})  ×${c.speedup.toFixed(1)}`);
    }
    tf.dispose([t.x, t.w, t.dy]);
  }
  return cases;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

export interface BenchSummary {
  geomeanSpeedup: Record<BenchOp | 'all', number>;
  minSpeedup: number;
  totalMs: number;
  totalBaselineMs: number;
}

export function summarize(cases: BenchCase[]): BenchSummary {
  const geo = (v: number[]) => (v.length ? Math.exp(v.reduce((a, b) => a + Math.log(b), 0) / v.length) : NaN);
  const g = {} as Record<BenchOp | 'all', number>;
  for (const op of BENCH_OPS) g[op] = round(geo(cases.filter((c) => c.op === op).map((c) => c.speedup)));
  g.all = round(geo(cases.map((c) => c.speedup)));
  return {
    geomeanSpeedup: g,
    minSpeedup: Math.min(...cases.map((c) => c.speedup)),
    totalMs: round(cases.reduce((a, c) => a + c.ms, 0)),
    totalBaselineMs: round(cases.reduce((a, c) => a + c.baselineMs, 0)),
  };
}
