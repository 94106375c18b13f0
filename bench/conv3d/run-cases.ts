/**
 * Times the fast conv3d kernels against tfjs's built-in WebGPU kernels on the same device, case by
 * case (forward, input gradient, filter gradient). Runs in the bench page and in Node over Dawn.
 *
 * Timing: one warm-up call (shader compilation), then up to `runs` timed calls; each timed call
 * ends by reading back one element of the result, which waits for all GPU work before it.
 * The median is reported.
 */
import * as tf from '@tensorflow/tfjs';
import { activeBackend } from '../../src/core/backend/select';
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
  runs: number;
  baselineRuns: number;
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
}

function opCall(op: BenchOp, sh: BenchShape, t: { x: tf.Tensor; w: tf.Tensor; dy: tf.Tensor }): () => tf.Tensor {
  const strides: [number, number, number] = [1, 1, 1];
  if (op === 'forward') return () => tf.conv3d(t.x as tf.Tensor5D, t.w as tf.Tensor5D, strides, 'valid');
  if (op === 'backprop-input')
    return () => tf.engine().runKernel(tf.Conv3DBackpropInputV2, { dy: t.dy, filter: t.w }, { strides, pad: 'valid', inputShape: sh.x }) as tf.Tensor;
  return () => tf.engine().runKernel(tf.Conv3DBackpropFilterV2, { x: t.x, dy: t.dy }, { strides, pad: 'valid', filterShape: sh.w }) as tf.Tensor;
}

async function timedCall(call: () => tf.Tensor): Promise<number> {
  const t0 = performance.now();
  const y = call();
  const one = tf.slice(tf.reshape(y, [-1]), 0, 1);
  await one.data();
  const ms = performance.now() - t0;
  tf.dispose([y, one]);
  return ms;
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function timeKernel(call: () => tf.Tensor, o: RunOptions, what: string): Promise<number[]> {
  await timedCall(call);
  activeBackend().monitor?.check(what);
  const times: number[] = [];
  while (times.length < o.runs && (times.length === 0 || times.reduce((a, b) => a + b, 0) < o.budgetMs)) {
    times.push(await timedCall(call));
  }
  activeBackend().monitor?.check(what);
  return times;
}

export async function runConv3dBench(o: RunOptions): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  configureConv3DKernels({ tuneFor: o.tuneFor ?? 'auto' });
  const shapes = benchShapes(o).filter((s) => !o.filter || s.layer.includes(o.filter));
  for (const sh of shapes) {
    const t = { x: tf.randomUniform(sh.x, -1, 1), w: tf.randomUniform(sh.w, -0.1, 0.1), dy: tf.randomUniform(sh.dy, -1, 1) };
    for (const op of BENCH_OPS) {
      const call = opCall(op, sh, t);
      registerFastKernels();
      const fast = await timeKernel(call, o, `conv3d bench ${op} ${sh.layer} (fast)`);
      restoreBuiltinKernels();
      const base = o.noBaseline ? [NaN] : await timeKernel(call, o, `conv3d bench ${op} ${sh.layer} (tfjs)`);
      registerFastKernels();
      const ms = median(fast);
      const baselineMs = median(base);
      const flop = 2 * shapeMacs(sh);
      const c: BenchCase = {
        layer: sh.layer, op,
        shape: { x: sh.x, filter: sh.w, dy: sh.dy }, paperShape: { x: sh.paperX },
        ms: round(ms), baselineMs: round(baselineMs), minMs: round(Math.min(...fast)), baselineMinMs: round(Math.min(...base)), speedup: round(baselineMs / ms),
        gflops: round(flop / ms / 1e6), baselineGflops: round(flop / baselineMs / 1e6),
        runs: fast.length, baselineRuns: base.length,
      };
      cases.push(c);
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
