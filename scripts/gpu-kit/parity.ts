/**
 * The GPU kit's parity runner: every kernel's parity table against its reference, on the active WebGPU
 * backend, with the kernels tuned as asked (the kit runs `tuneFor: 'gpu'`). Reuses the case tables and
 * comparison helpers of the unit tests; returns rows of (kernel, case, max error, tolerance, pass).
 */
import * as tf from '@tensorflow/tfjs';
import { FORWARD_ONLY_CASES, GPU_TUNING_CASES, GRADIENT_CASES, type ConvCase } from '../../src/core/kernels/conv3d-common/cases';
import { configureConv3DKernels, conv3dKernelOptions } from '../../src/core/kernels/conv3d-common/options';
import { ATOL, RTOL } from '../../src/core/kernels/conv3d-common/parity';
import { conv3dParityRun, parityPassed, type ConvParityOp } from '../../src/core/kernels/conv3d-common/parity-runs';
import { PATCH_SAMPLER_CASES, patchSamplerParityPassed, patchSamplerParityRun, patchSamplerParitySet } from '../../src/core/kernels/patch-sampler/patch-sampler.parity';
import { registerFastKernels } from '../../src/core/kernels';
import { Rng } from '../../src/core/random';
import { dropout } from '../../src/core/kernels/dropout/dropout.kernel';
import { dropoutMaskReference } from '../../src/core/kernels/dropout/dropout.reference';
import { columnSums } from '../../src/core/kernels/column-sums/column-sums.kernel';
import { columnSumsReference } from '../../src/core/kernels/column-sums/column-sums.reference';
import type { Device } from '../../src/core/backend/device';

export interface ParityRow {
  kernel: string;
  case: string;
  maxError: number;
  /** What the error is measured against, in words, and the bound it must stay under. */
  errorMeasure: string;
  tolerance: number;
  pass: boolean;
  ms: number;
  detail?: Record<string, unknown>;
  error?: string;
}

const CONV_OPS: { op: ConvParityOp; kernel: string; cases: ConvCase[] }[] = [
  { op: 'forward', kernel: 'conv3d', cases: [...GRADIENT_CASES, ...FORWARD_ONLY_CASES] },
  { op: 'backprop-input', kernel: 'conv3d-backprop-input', cases: GRADIENT_CASES },
  { op: 'backprop-filter', kernel: 'conv3d-backprop-filter', cases: GRADIENT_CASES },
];

/** The device whose error scopes every row runs in (a validation error fails the row, with its message). */
let scopeDevice: Device | undefined;

async function row(kernel: string, name: string, f: () => Promise<Omit<ParityRow, 'kernel' | 'case' | 'ms'>>): Promise<ParityRow> {
  const t0 = performance.now();
  try {
    const r = scopeDevice ? await scopeDevice.run(`${kernel} parity case "${name}"`, f) : await f();
    return { kernel, case: name, ...r, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    return { kernel, case: name, maxError: NaN, errorMeasure: '', tolerance: NaN, pass: false, ms: Math.round(performance.now() - t0), error: e instanceof Error ? e.message : String(e) };
  }
}

export interface ParityPlan {
  /** Only these conv3d cases (by name); all when absent. */
  convCases?: readonly string[];
  /** Also run the GPU-tuning cases with 4 KiB of workgroup memory, so that channels come in chunks. */
  chunked?: boolean;
  /** At most this many cases of each of the other tables (smoke runs). */
  othersPerTable?: number;
}

/**
 * Runs every table with the kernels as configured now (the kit configures `tuneFor: 'gpu'`); `onRow` sees
 * each row as it is done (the kit writes the file as it goes).
 */
export async function runParityTables(device: Device, onRow: (r: ParityRow) => void = () => {}, plan: ParityPlan = {}): Promise<ParityRow[]> {
  scopeDevice = device;
  registerFastKernels();
  const pick = <T>(a: T[]): T[] => a.slice(0, plan.othersPerTable ?? a.length);
  const tuning = conv3dKernelOptions();
  const rows: ParityRow[] = [];
  const add = (r: ParityRow) => {
    rows.push(r);
    onRow(r);
  };
  const passes = [{ suffix: '', bytes: tuning.maxWorkgroupBytes, only: (c: ConvCase) => !plan.convCases || plan.convCases.includes(c.name) }];
  if (plan.chunked) passes.push({ suffix: ' [4 KiB workgroup memory: channel chunks]', bytes: 4096, only: (c: ConvCase) => GPU_TUNING_CASES.includes(c.name) && (!plan.convCases || plan.convCases.includes(c.name)) });
  for (const pass of passes) for (const { op, kernel, cases } of CONV_OPS) {
    configureConv3DKernels({ maxWorkgroupBytes: pass.bytes });
    for (const c of cases.filter(pass.only)) {
      add(await row(kernel, c.name + pass.suffix, async () => {
        const r = await conv3dParityRun(op, c);
        return {
          maxError: r.report.maxRel, errorMeasure: `max |gpu − ref| / Σ|terms| (pass: every element ≤ ${RTOL}·Σ|terms| + ${ATOL})`, tolerance: RTOL, pass: parityPassed(r),
          detail: { maxAbs: r.report.maxAbs, failures: r.report.failures, nonzero: r.report.nonzero, shape: r.shape, expectedShape: r.expectedShape, first: r.report.first },
        };
      }));
    }
  }
  configureConv3DKernels({ maxWorkgroupBytes: tuning.maxWorkgroupBytes });
  const set = patchSamplerParitySet();
  for (const c of pick(PATCH_SAMPLER_CASES)) {
    add(await row('patch-sampler', c.name, async () => {
      const r = await patchSamplerParityRun(c, set);
      return { maxError: r.maxImageErr, errorMeasure: 'max |gpu − ref| of the image blocks (labels must match exactly)', tolerance: c.tol, pass: patchSamplerParityPassed(c, r), detail: { ...r } };
    }));
  }
  tf.dispose([set.image, set.labels]);
  for (const { shape, rate, seed } of pick([{ shape: [4096, 8], rate: 0.5, seed: 1 }, { shape: [2, 8, 8, 8, 3], rate: 0.25, seed: 0xdeadbeef }, { shape: [1500], rate: 0.9, seed: 7 }])) {
    add(await row('dropout', `${JSON.stringify(shape)} rate ${rate} seed ${seed}`, async () => {
      const n = shape.reduce((a, c) => a * c, 1);
      const rng = new Rng(seed);
      const x = Float32Array.from({ length: n }, () => rng.uniform(-2, 2));
      const xT = tf.tensor(x, shape);
      const y = dropout(xT, rate, seed);
      const yv = await y.data();
      tf.dispose([xT, y]);
      const mask = dropoutMaskReference(n, rate, seed);
      let maxErr = 0;
      let kept = 0;
      for (let i = 0; i < n; i++) {
        maxErr = Math.max(maxErr, Math.abs(yv[i] - Math.fround(x[i] * mask[i])));
        if (yv[i] !== 0) kept++;
      }
      return { maxError: maxErr, errorMeasure: 'max |gpu − x·mask| (exact)', tolerance: 0, pass: maxErr === 0 && kept > 0, detail: { kept, n } };
    }));
  }
  for (const [b, m, c] of pick([[1, 6912, 4], [2, 512, 3], [1, 64, 40], [3, 65, 5], [1, 1, 1500], [1, 300_000, 12]] as [number, number, number][])) {
    add(await row('column-sums', `[${b}, ${m}, ${c}]`, async () => {
      const rng = new Rng(b * m + c);
      const x = Float32Array.from({ length: b * m * c }, () => rng.uniform(-1, 1));
      const xT = tf.tensor3d(x, [b, m, c]);
      const y = columnSums(xT);
      const v = await y.data();
      tf.dispose([xT, y]);
      const ref = columnSumsReference(x, b, m, c);
      let maxErr = 0;
      for (let i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Math.abs(v[i] - ref[i]));
      return { maxError: maxErr, errorMeasure: 'max |gpu − float32 reference in the same order| (exact)', tolerance: 0, pass: maxErr === 0 && v.length === ref.length && v.some((t) => t !== 0) };
    }));
  }
  return rows;
}
