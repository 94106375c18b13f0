/**
 * Profile of one training step on the `wasm` backend: per-kernel total ms under tf.profile, plus the
 * median wall time of a few steps (tiny and small presets). Not part of the unit suite.
 *
 *   npx tsx bench/wasm-profile.ts [--label before|after] [--presets small,tiny] [--runs 3] [--cpu-kernels]
 *
 * --cpu-kernels puts tfjs-cpu's kernels back for everything but conv3d (the backend as it was before the
 * element-wise, slice and matMul kernels), to measure "before" on the same tree.
 *
 * Batch: small 2, tiny 4 (the targets). Writes (merges by label into) bench/results/wasm-profile.json.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { PresetName } from '../src/core/networks';
import { NesterovSgd } from '../src/core/engines/optimizer';
import { trainStep } from '../src/core/engines/train-step';
import { initBackend } from '../src/core/backend/select';
import type { Device } from '../src/core/backend/device';
import { WASM_KERNEL_CONFIGS } from '../src/core/kernels/wasm-kernels';
import { WASM_CONV3D_CONFIGS } from '../src/core/kernels/wasm-conv3d/conv3d-wasm.kernel';
import { randomTrainBatch } from './random-batch';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const LABEL = opt('label', 'current');
const PRESETS = opt('presets', 'tiny,small').split(',') as PresetName[];
const RUNS = Number(opt('runs', '3'));
const BATCH: Record<string, number> = { tiny: 4, small: 2 };
const OUT = 'bench/results/wasm-profile.json';

async function profilePreset(device: Device, preset: PresetName) {
  const n = BATCH[preset] ?? 2;
  const { net, batch } = randomTrainBatch(preset, n);
  const optimizer = new NesterovSgd({ learningRate: 1e-3 });
  const step = () => trainStep({ device, net, optimizer, batch, loss: 'cross-entropy' });
  await step(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await step();
    ms.push(performance.now() - s);
  }
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await step();
    return [];
  });
  const profiledStepMs = performance.now() - t0;
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    e.calls++;
    byKernel.set(k.name, e);
  }
  const kernels = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([name, e]) => ({ name, ms: Math.round(e.ms * 10) / 10, calls: e.calls }));
  tf.dispose([batch.full, batch.context, batch.labels]);
  optimizer.dispose();
  net.dispose();
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    preset, batch: n, medianStepMs: Math.round(sorted[Math.floor(sorted.length / 2)]), runsMs: ms.map(Math.round),
    profiledStepMs: Math.round(profiledStepMs), kernelCalls: info.kernels.length,
    kernelTotalMs: Math.round(kernels.filter((k) => k.name !== 'unnamed scope').reduce((a, k) => a + k.ms, 0)), kernels,
  };
}

const b = await initBackend(['wasm']);
if (b.info.name !== 'wasm') throw new Error(`wasm backend did not start: ${b.info.reason}`);
const CPU_KERNELS = args.includes('--cpu-kernels');
if (CPU_KERNELS) {
  for (const c of WASM_KERNEL_CONFIGS) {
    if (WASM_CONV3D_CONFIGS.includes(c)) continue;
    tf.unregisterKernel(c.kernelName, 'wasm');
    tf.registerKernel({ ...tf.getKernel(c.kernelName, 'cpu')!, backendName: 'wasm' });
  }
}
const rows = [];
for (const p of PRESETS) {
  const r = await profilePreset(b, p);
  console.log(`${p} batch ${r.batch}: median ${r.medianStepMs} ms; top kernels:`, r.kernels.slice(0, 12));
  rows.push(r);
}
const record = {
  date: new Date().toISOString(),
  host: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverage1m: Number(loadavg()[0].toFixed(2)), node: process.version },
  tfjs: tf.version.tfjs, adapter: b.info.adapter,
  kernels: CPU_KERNELS ? 'tfjs-cpu for all but conv3d' : 'WASM_KERNEL_CONFIGS', rows,
};
const all = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as Record<string, unknown>) : {};
all.what = 'one trainStep (forward, cross-entropy, backward, Nesterov SGD) on the wasm backend; per-kernel ms from tf.profile (one profiled step), median of --runs steps. "unnamed scope" is the forward of a tf.customGrad op (batch norm, dropout, log-softmax, sums): its time includes the kernels inside it, which are also listed, so kernelTotalMs leaves it out';
all[LABEL] = record;
mkdirSync('bench/results', { recursive: true });
writeFileSync(OUT, JSON.stringify(all, null, 2) + '\n');
process.exit(0);
