/**
 * The CPU benchmark: `npm run bench -- cpu [--quick] [--out FILE]` (issue "Train and segment fast without a GPU").
 *
 * Times the `wasm` backend (WebAssembly SIMD kernels on a pool of threads, src/core/backend/wasm.ts)
 * against tfjs's CPU backend in the same process and run, and the forward convolutions against
 * onnxruntime-web (WebAssembly SIMD, same thread count) and onnxruntime-node (native, AVX2/AVX-512, same
 * thread count), and writes bench/results/cpu.json:
 *   - machine: CPU model, cores, threads used, relaxed SIMD, versions, `peakGflops` and its formula;
 *   - cases: every distinct convolution of the `paper` preset at batch 4 and the paper's patch sizes
 *     (bench/conv3d/cases.ts), forward and both gradients: ms (median), baselineMs (tfjs-cpu), speedup,
 *     gflops, fractionOfPeak; forward also ortMs (onnxruntime-web) and ortNativeMs (onnxruntime-node);
 *   - trainSteps: whole training steps of `tiny` (batch 4) and `small` (batch 8, 16³ outputs);
 *   - inference: whole-volume inference of patient A (public/demo) with the shipped model.
 *
 * Timing: each of ours and ORT's is the median of `runs` calls after one warm-up call; the tfjs-cpu
 * baseline is a single call (it takes seconds to minutes; its run-to-run spread is far below the ratios).
 * ORT runs in its own layout (NCDHW), input already in place: the transposes our NDHWC tensors would need
 * are not counted, which favours ORT.
 * `--quick` times a few cases and skips the `small` baseline step (a smoke run, not a record).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import * as ortWeb from 'onnxruntime-web';
import * as ortNode from 'onnxruntime-node';
import { initBackend } from '../src/core/backend/select';
import { Device } from '../src/core/backend/device';
import type { WasmBackend } from '../src/core/backend/wasm';
import { conv3dGeometry, conv3dMacs, type Conv3DGeometry } from '../src/core/kernels/conv3d-common/geometry';
import { NesterovSgd } from '../src/core/engines/optimizer';
import { trainStep } from '../src/core/engines/train-step';
import { segmentVolume } from '../src/core/engines/predictor';
import type { PresetName } from '../src/core/networks';
import { Rng } from '../src/core/random';
import { loadPatientA } from '../src/cli/demo-data';
import { readModelDir } from '../src/cli/model-dir';
import { benchShapes, type BenchShape, type Shape5 } from './conv3d/cases';
import { onnxConvModel } from './cpu/onnx-conv';
import { randomTrainBatch } from './random-batch';

const argv = process.argv.slice(2).filter((a) => a !== 'cpu');
const QUICK = argv.includes('--quick');
const OUT = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : 'bench/results/cpu.json';
const RUNS = QUICK ? 2 : 3;
const BATCH = 4;
/** The Device of each backend this benchmark switches between (set in main). */
const devices: Record<'wasm' | 'cpu', Device> = { wasm: new Device({ name: 'wasm', adapter: '' }), cpu: new Device({ name: 'cpu', adapter: 'JavaScript on the CPU' }) };
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

const pkgVersion = (name: string): string => JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version;
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const r1 = (v: number): number => Math.round(v * 10) / 10;

function randomArray(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

async function timeMs(fn: () => Promise<void> | void, runs: number): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

type Op = 'forward' | 'backprop-input' | 'backprop-filter';

/** One conv kernel call through tfjs on the active backend, values read back. */
async function runOp(op: Op, s: BenchShape, x: Float32Array, w: Float32Array, dy: Float32Array): Promise<void> {
  const out = tf.tidy(() => {
    if (op === 'forward') return tf.conv3d(tf.tensor5d(x, s.x), tf.tensor5d(w, s.w), 1, 'valid');
    if (op === 'backprop-input') {
      return tf.engine().runKernel(tf.Conv3DBackpropInputV2, { dy: tf.tensor5d(dy, s.dy), filter: tf.tensor5d(w, s.w) }, { strides: 1, pad: 'valid', inputShape: s.x }) as tf.Tensor;
    }
    return tf.engine().runKernel(tf.Conv3DBackpropFilterV2, { x: tf.tensor5d(x, s.x), dy: tf.tensor5d(dy, s.dy) }, { strides: 1, pad: 'valid', filterShape: s.w }) as tf.Tensor;
  });
  await out.data();
  out.dispose();
}

/** NDHWC → NCDHW and [KD,KH,KW,Ci,Co] → [Co,Ci,KD,KH,KW], for ORT. */
function toOnnx(s: BenchShape, x: Float32Array, w: Float32Array): { x: Float32Array; w: Float32Array } {
  const [n, d, h, wd, c] = s.x;
  const sp = d * h * wd;
  const xo = new Float32Array(x.length);
  for (let b = 0; b < n; b++) for (let v = 0; v < sp; v++) for (let ch = 0; ch < c; ch++) xo[(b * c + ch) * sp + v] = x[(b * sp + v) * c + ch];
  const [kd, kh, kw, ci, co] = s.w;
  const taps = kd * kh * kw;
  const wo = new Float32Array(w.length);
  for (let t = 0; t < taps; t++) for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) wo[(o * ci + i) * taps + t] = w[(t * ci + i) * co + o];
  return { x: xo, w: wo };
}

async function ortSession(lib: typeof ortWeb, s: BenchShape, g: Conv3DGeometry, w: Float32Array, native: boolean, threads: number) {
  const [n, d, h, wd, c] = s.x;
  const model = onnxConvModel({
    x: [n, c, d, h, wd], w, wShape: [s.w[4], s.w[3], s.w[0], s.w[1], s.w[2]], strides: [1, 1, 1], pads: [0, 0, 0, 0, 0, 0],
    y: [n, g.outChannels, ...g.outDims],
  });
  return lib.InferenceSession.create(model, native ? { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1 } : { executionProviders: ['wasm'] });
}

interface CaseRow {
  layer: string;
  op: Op;
  x: Shape5;
  w: Shape5;
  gflop: number;
  ms: number;
  baselineMs: number;
  speedup: number;
  gflops: number;
  fractionOfPeak: number;
  ortMs?: number;
  ortNativeMs?: number;
  vsOrt?: number;
  vsOrtNative?: number;
}

async function convCases(peak: number, threads: number): Promise<CaseRow[]> {
  ortWeb.env.wasm.numThreads = threads;
  ortWeb.env.wasm.simd = true;
  let shapes = benchShapes({ batch: BATCH });
  if (QUICK) shapes = shapes.filter((_, i) => i % 6 === 0);
  const rows: CaseRow[] = [];
  for (const s of shapes) {
    const rng = new Rng(s.x.concat(s.w).reduce((a, b) => a * 31 + b, 7) >>> 0);
    const x = randomArray(s.x.reduce((a, b) => a * b), rng);
    const w = randomArray(s.w.reduce((a, b) => a * b), rng);
    const dy = randomArray(s.dy.reduce((a, b) => a * b), rng);
    const g = conv3dGeometry(s.x, s.w, 1, 1, 'valid');
    const gflop = (2 * conv3dMacs(g)) / 1e9;
    let ortMs: number | undefined;
    let ortNativeMs: number | undefined;
    {
      const o = toOnnx(s, x, w);
      const [n, d, h, wd, c] = s.x;
      for (const native of [false, true]) {
        const lib = (native ? ortNode : ortWeb) as typeof ortWeb;
        const sess = await ortSession(lib, s, g, o.w, native, threads);
        const feeds = { x: new lib.Tensor('float32', o.x, [n, c, d, h, wd]) };
        const ms = await timeMs(async () => void (await sess.run(feeds)), RUNS);
        await sess.release();
        if (native) ortNativeMs = ms;
        else ortMs = ms;
      }
    }
    for (const op of ['forward', 'backprop-input', 'backprop-filter'] as const) {
      await tf.setBackend('wasm');
      const ms = await timeMs(() => runOp(op, s, x, w, dy), RUNS);
      await tf.setBackend('cpu');
      const t = performance.now();
      await runOp(op, s, x, w, dy);
      const baselineMs = performance.now() - t;
      const gflops = gflop / (ms / 1000);
      const row: CaseRow = {
        layer: s.layer, op, x: s.x, w: s.w, gflop: Number(gflop.toFixed(3)), ms: r1(ms), baselineMs: r1(baselineMs),
        speedup: r1(baselineMs / ms), gflops: r1(gflops), fractionOfPeak: Number((gflops / peak).toFixed(3)),
      };
      if (op === 'forward') Object.assign(row, { ortMs: r1(ortMs!), ortNativeMs: r1(ortNativeMs!), vsOrt: Number((ortMs! / ms).toFixed(2)), vsOrtNative: Number((ortNativeMs! / ms).toFixed(2)) });
      rows.push(row);
      log(`${s.layer} ${op}: ${row.ms} ms (${row.gflops} GFLOP/s, ${(row.fractionOfPeak * 100).toFixed(0)} % of peak), tfjs-cpu ${row.baselineMs} ms → ${row.speedup}×` +
        (op === 'forward' ? `; ORT web ${row.ortMs} ms, ORT native ${row.ortNativeMs} ms` : ''));
    }
  }
  return rows;
}

async function stepMs(backend: 'wasm' | 'cpu', preset: PresetName, n: number, runs: number, warm: boolean) {
  await tf.setBackend(backend);
  const { net, batch, geometry } = randomTrainBatch(preset, n);
  const outputSize = geometry.outputSize;
  const optimizer = new NesterovSgd({ learningRate: 1e-3 });
  const step = async () => void (await trainStep({ device: devices[backend], net, optimizer, batch, loss: 'cross-entropy' }));
  const times: number[] = [];
  if (warm) await step();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await step();
    times.push(performance.now() - t);
  }
  tf.dispose([batch.full, batch.context, batch.labels]);
  optimizer.dispose();
  net.dispose();
  return { ms: median(times), runsMs: times.map(Math.round), outputSize };
}

async function trainSteps() {
  const rows = [];
  for (const [preset, n] of [['tiny', 4], ['small', 8]] as const) {
    const ours = QUICK && preset === 'small' ? await stepMs('wasm', preset, n, 1, false) : await stepMs('wasm', preset, n, RUNS, true);
    const base = QUICK && preset === 'small' ? undefined : await stepMs('cpu', preset, n, preset === 'tiny' ? RUNS : 1, preset === 'tiny');
    const row = {
      preset, batch: n, outputSize: ours.outputSize, ms: Math.round(ours.ms), runsMs: ours.runsMs,
      baselineMs: base && Math.round(base.ms), baselineRunsMs: base?.runsMs, speedup: base && r1(base.ms / ours.ms),
      baselineNote: preset === 'small' ? 'tfjs-cpu: one step without a warm-up step (a step takes minutes)' : 'tfjs-cpu: median after one warm-up step',
    };
    log(`train step ${preset} batch ${n}: wasm ${row.ms} ms, tfjs-cpu ${row.baselineMs ?? '–'} ms → ${row.speedup ?? '–'}×`);
    rows.push(row);
  }
  return rows;
}

async function inference() {
  const model = await readModelDir('public/models/demo-organs4', { id: 'demo-organs4' });
  const scan = loadPatientA();
  const out: Record<string, { ms: number; dice: Record<string, number> }> = {};
  for (const backend of ['wasm', 'cpu'] as const) {
    await tf.setBackend(backend);
    const t = performance.now();
    const r = await segmentVolume({ device: devices[backend], net: model.net, meta: model.meta, image: scan.image, reference: scan.labels, referenceNames: scan.names, postprocess: true });
    out[backend] = { ms: Math.round(performance.now() - t), dice: Object.fromEntries(Object.entries(r.dice ?? {}).map(([k, v]) => [k, Number((v as number).toFixed(4))])) };
    log(`inference patient A on ${backend}: ${out[backend].ms} ms`);
  }
  model.net.dispose();
  return { scan: 'patient A (public/demo/ct.nii.gz, 122×101×112 at 3 mm)', model: model.info.id, preset: model.info.preset, ms: out.wasm.ms, baselineMs: out.cpu.ms, speedup: r1(out.cpu.ms / out.wasm.ms), dice: out.wasm.dice, baselineDice: out.cpu.dice };
}

/** The core clock: os.cpus() reports 0 on some VMs, /proc/cpuinfo's "cpu MHz" then still has it. */
function clockMhz(): number {
  const fromOs = cpus()[0]?.speed ?? 0;
  if (fromOs > 0) return fromOs;
  try {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return Math.round(Number(m[1]));
  } catch {
    // not Linux
  }
  throw new Error('the CPU clock could not be read (os.cpus() says 0 MHz and there is no /proc/cpuinfo)');
}

async function main(): Promise<void> {
  const b = await initBackend(['wasm']);
  devices.wasm = b;
  const rt = (tf.backend() as WasmBackend).runtime.info;
  await tf.setBackend('cpu');
  const threads = rt.threads;
  const mhz = clockMhz();
  const lanes = 4;
  const fmaPipes = 2;
  const flopPerLane = rt.relaxedSimd ? 2 : 1;
  const peak = (threads * fmaPipes * lanes * flopPerLane * mhz) / 1000;
  const machine = {
    cpuModel: cpus()[0]?.model, cores: availableParallelism(), threadsUsed: threads, clockMhz: mhz, memoryGiB: Math.round(totalmem() / 2 ** 30),
    relaxedSimd: rt.relaxedSimd, adapter: b.info.adapter, loadAverage1mAtStart: Number(loadavg()[0].toFixed(2)),
    node: process.versions.node, v8: process.versions.v8, tfjs: tf.version.tfjs, onnxruntimeWeb: pkgVersion('onnxruntime-web'), onnxruntimeNode: pkgVersion('onnxruntime-node'),
  };
  const peakGflops = Number(peak.toFixed(1));
  const peakFormula = `${threads} threads × ${fmaPipes} SIMD pipes × ${lanes} f32 lanes × ${flopPerLane} FLOP (${rt.relaxedSimd ? 'fused multiply-add' : 'no FMA'}) × ${(mhz / 1000).toFixed(2)} GHz`;
  log(`${machine.cpuModel}, ${threads} threads, peak ${peakGflops} GFLOP/s = ${peakFormula}`);
  const started = performance.now();
  const cases = await convCases(peak, threads);
  const steps = await trainSteps();
  const inf = await inference();
  const geo = (v: number[]) => Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / v.length);
  const byOp = (op: Op) => cases.filter((c) => c.op === op);
  const largest = [...byOp('forward')].sort((a, b) => b.gflop - a.gflop).slice(0, 4).map((c) => c.layer);
  const summary = {
    geomeanSpeedup: Number(geo(cases.map((c) => c.speedup)).toFixed(1)),
    minSpeedup: Math.min(...cases.map((c) => c.speedup)),
    geomeanSpeedupByOp: Object.fromEntries((['forward', 'backprop-input', 'backprop-filter'] as const).map((op) => [op, Number(geo(byOp(op).map((c) => c.speedup)).toFixed(1))])),
    geomeanVsOrt: Number(geo(byOp('forward').map((c) => c.vsOrt!)).toFixed(2)),
    geomeanVsOrtNative: Number(geo(byOp('forward').map((c) => c.vsOrtNative!)).toFixed(2)),
    largestLayers: largest,
    fractionOfPeakOnLargest: Number((cases.filter((c) => largest.includes(c.layer)).reduce((a, c) => a + c.fractionOfPeak, 0) / (largest.length * 3)).toFixed(3)),
    totalMinutes: Number(((performance.now() - started) / 60000).toFixed(1)),
  };
  const record = {
    what: 'the wasm backend (WebAssembly SIMD kernels, thread pool) against tfjs-cpu, onnxruntime-web and onnxruntime-node on the CPU',
    date: new Date().toISOString(), quick: QUICK, batch: BATCH, machine, peakGflops, peakFormula,
    method: 'ours and ORT: median of ' + RUNS + ' calls after a warm-up; tfjs-cpu: one call. ORT in NCDHW with its input in place (no transposes counted).',
    summary, cases, trainSteps: steps, inference: inf,
  };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(record, null, 2) + '\n');
  log(`wrote ${OUT}: ${JSON.stringify(summary)}`);
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
