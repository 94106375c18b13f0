/**
 * Markdown tables for the README's "Performance" section, one per benchmark, from the JSON records in
 * bench/results (printed by bench/tables.ts). Each function takes parsed records and returns markdown.
 */
import { compactLayers, type Conv3dBenchResult } from './conv3d/report';

const f = (v: number | undefined, d = 1): string => (v !== undefined && Number.isFinite(v) ? v.toFixed(d) : '–');
const s = (ms: number | undefined, d = 1): string => f(ms === undefined ? undefined : ms / 1000, d);
const mb = (bytes: number | undefined): string => f(bytes === undefined ? undefined : bytes / 2 ** 20, 1);
const load = (v: number | undefined): string => f(v, 1);

function table(head: string[], align: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** conv3d records: geomean speedup per op and the slowest case of each op. */
export function conv3dSummaryTable(records: { file: string; r: Conv3dBenchResult }[]): string {
  const ops = ['forward', 'backprop-input', 'backprop-filter'] as const;
  const rows = records.map(({ file, r }) => {
    const g = r.summary.geomeanSpeedup;
    const slowest = ops.map((op) => {
      const c = r.cases.filter((x) => x.op === op).reduce((a, b) => (b.speedup < a.speedup ? b : a));
      return `${f(c.speedup)}× (${compactLayers(c.layer)})`;
    });
    const size = r.settings.maxOutput ? `≤${r.settings.maxOutput}³ out` : 'paper sizes';
    const tuning = r.settings.tuneFor && r.settings.tuneFor !== 'auto' ? `, tuned for ${r.settings.tuneFor}` : '';
    return [
      `\`${file}\``, `${r.machine.runtime}, batch ${r.settings.batch}, ${size}${tuning}`,
      `${f(g.forward)}×`, `${f(g['backprop-input'])}×`, `${f(g['backprop-filter'])}×`, `**${f(g.all)}×**`,
      ...slowest, `${s(r.summary.totalMs)} / ${s(r.summary.totalBaselineMs)}`,
    ];
  });
  return table(
    ['record', 'run', 'fwd', 'input grad', 'filter grad', 'all', 'slowest fwd', 'slowest input grad', 'slowest filter grad', 'Σ s fast / tfjs'],
    ['---', '---', '---:', '---:', '---:', '---:', '---', '---', '---', '---:'],
    rows,
  );
}

export interface TrainStepRow {
  kernelsUsed: string;
  preset: string;
  batch: number;
  outputSize: number;
  parameters: number;
  firstStepMsIncludingCompile: number;
  medianStepMs: number;
  runsMs: number[];
  loadAverage1m?: number;
}
export interface TrainStepRecord {
  date: string;
  host: { loadAverage1m?: number };
  note?: string;
  rows: TrainStepRow[];
}

/** Train-step records: median step per preset/batch/kernels, speedup over tfjs's WebGPU kernels. */
export function trainStepTable(records: { file: string; r: TrainStepRecord }[]): string {
  const rows: string[][] = [];
  for (const { file, r } of records) {
    for (const x of r.rows) {
      const base = r.rows.find((b) => b.kernelsUsed === 'tfjs built-in' && b.preset === x.preset && b.batch === x.batch);
      const speed = base && x !== base ? `${f(base.medianStepMs / x.medianStepMs)}×` : '–';
      const vox = (x.batch * x.outputSize ** 3) / (x.medianStepMs / 1000);
      rows.push([
        x.preset, String(x.batch), `${x.outputSize}³`, x.kernelsUsed, s(x.medianStepMs, 2), s(x.firstStepMsIncludingCompile, 1),
        speed, f(vox, 0), x.runsMs.map((v) => s(v, 1)).join(', '), load(x.loadAverage1m ?? r.host.loadAverage1m), `\`${file}\``,
      ]);
    }
  }
  const notes = records.filter(({ r }) => r.note).map(({ file, r }) => `\`${file}\`: ${r.note}`);
  return table(
    ['preset', 'batch', 'output', 'kernels', 'median step s', 'first step s', 'vs tfjs WebGPU', 'output voxels/s', 'timed steps s', 'load', 'record'],
    ['---', '---:', '---:', '---', '---:', '---:', '---:', '---:', '---', '---:', '---'],
    rows,
  ) + (notes.length ? `\n\n${notes.join('\n\n')}` : '') + '\n\n(median step: the median of the timed steps, the upper one for an even count; timed after a first step and one warm step.)';
}

export interface PatchSamplerRecord {
  what: string;
  host: { loadAverage1m?: number };
  gpuMedianMsSyncOnly: number;
  gpuMedianMsWithReadback: number;
  cpuReferenceMedianMs: number;
}

/** GPU augmentation (patch sampler kernel) vs its CPU reference. */
export function augmentationTable(file: string, r: PatchSamplerRecord): string {
  const ratio = (gpu: number) => (gpu <= r.cpuReferenceMedianMs ? `GPU ${f(r.cpuReferenceMedianMs / gpu)}× faster` : `GPU ${f(gpu / r.cpuReferenceMedianMs)}× **slower**`);
  return table(
    ['one batch (12 patches, paper geometry, rotation + spacing)', 'median ms', 'vs CPU reference', 'load'],
    ['---', '---:', '---', '---:'],
    [
      ['WebGPU kernel, wait for completion (no readback)', f(r.gpuMedianMsSyncOnly, 0), ratio(r.gpuMedianMsSyncOnly), load(r.host.loadAverage1m)],
      ['WebGPU kernel, read all patches back', f(r.gpuMedianMsWithReadback, 0), ratio(r.gpuMedianMsWithReadback), ''],
      ['CPU reference (plain TS)', f(r.cpuReferenceMedianMs, 0), '', ''],
    ],
  ) + `\n\n(\`${file}\`)`;
}

export interface InferenceRow {
  volume: string;
  scanDims: number[];
  trainingSpacingMm: number;
  kernelsUsed: string;
  loadAverage1m: number;
  trainingGrid: number[];
  tileSize: number;
  tiles: number;
  totalMs: number;
  includesCompile: boolean;
  medianTileMs: number;
  gridVoxelsPerS: number;
  scanVoxelsPerS: number;
  memory: {
    warmup?: { peakBytes?: number };
    betweenTiles: { maxTensors: number; maxBytes: number };
    wholeLogitsBytes: number;
    leakedTensors: number;
  };
}

/** Inference records: end-to-end segmentVolume per volume / training spacing / kernels. */
export function inferenceTable(file: string, rows: InferenceRow[]): string {
  const order = (x: InferenceRow) => [x.volume, String(100 - x.trainingSpacingMm).padStart(3, '0'), x.kernelsUsed === 'tfjs built-in' ? '0' : '1'].join('/');
  const sorted = [...rows].sort((a, b) => order(a).localeCompare(order(b)));
  const out = sorted.map((x) => {
    const base = rows.find((b) => b.kernelsUsed === 'tfjs built-in' && b.volume === x.volume && b.trainingSpacingMm === x.trainingSpacingMm);
    const speed = base && base !== x ? `${f(base.totalMs / x.totalMs)}×` : '–';
    return [
      x.volume, x.scanDims.join('×'), `${x.trainingSpacingMm} mm → ${x.trainingGrid.join('×')}`, `${x.tiles} × ${x.tileSize}³`, x.kernelsUsed,
      `${s(x.totalMs)}${x.includesCompile ? ' ¹' : ''}`, s(x.medianTileMs), speed, f(x.gridVoxelsPerS / 1e3, 1), f(x.scanVoxelsPerS / 1e3, 0),
      mb(x.memory.warmup?.peakBytes), mb(x.memory.betweenTiles.maxBytes), mb(x.memory.wholeLogitsBytes), load(x.loadAverage1m),
    ];
  });
  return table(
    ['volume', 'scan', 'training grid', 'tiles', 'kernels', 'total s', 'tile s (median)', 'vs tfjs WebGPU', 'grid kvox/s', 'scan kvox/s', 'peak tensors MiB', 'between tiles MiB', 'whole logits MiB', 'load'],
    ['---', '---', '---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
    out,
  ) + `\n\n(\`${file}\`; total = best timed run after a warm-up; ¹ single run including shader compilation; peak = \`tf.profile\` of the warm-up, where it was profiled.)`;
}

/** The fields of bench/results/cpu.json the README tables use (written by bench/cpu.ts). */
export interface CpuRecord {
  machine: { cpuModel?: string; threadsUsed: number; relaxedSimd: boolean; loadAverage1mAtStart: number; onnxruntimeWeb: string; onnxruntimeNode: string };
  peakGflops: number;
  peakFormula: string;
  summary: { geomeanSpeedup: number; minSpeedup: number; geomeanSpeedupByOp: Record<string, number>; geomeanVsOrt: number; geomeanVsOrtNative: number; fractionOfPeakOnLargest: number; largestLayers: string[] };
  cases: { layer: string; op: string; x: number[]; ms: number; baselineMs: number; speedup: number; gflops: number; fractionOfPeak: number; ortMs?: number; ortNativeMs?: number }[];
  trainSteps: { preset: string; batch: number; outputSize: number; ms: number; baselineMs?: number; speedup?: number }[];
  inference: { scan: string; preset: string; ms: number; baselineMs: number; speedup: number };
}

/** cpu.json: summary, whole steps and inference, then every conv case. */
export function cpuTables(file: string, r: CpuRecord): string {
  const m = r.machine;
  const head =
    `\`${file}\`: ${m.cpuModel ?? 'CPU'}, ${m.threadsUsed} threads, ${m.relaxedSimd ? 'relaxed SIMD (FMA)' : 'SIMD without FMA'}, load ${load(m.loadAverage1mAtStart)} at start; ` +
    `peak ${f(r.peakGflops)} GFLOP/s = ${r.peakFormula}. conv3d vs tfjs-cpu: geometric mean **${f(r.summary.geomeanSpeedup)}×** ` +
    `(forward ${f(r.summary.geomeanSpeedupByOp.forward)}×, input grad ${f(r.summary.geomeanSpeedupByOp['backprop-input'])}×, filter grad ${f(r.summary.geomeanSpeedupByOp['backprop-filter'])}×), ` +
    `slowest case ${f(r.summary.minSpeedup)}×; forward vs onnxruntime-web ${m.onnxruntimeWeb} **${f(r.summary.geomeanVsOrt, 2)}×** and vs onnxruntime-node ${m.onnxruntimeNode} ${f(r.summary.geomeanVsOrtNative, 2)}× (> 1: ours faster); ` +
    `${f(r.summary.fractionOfPeakOnLargest * 100, 0)} % of peak on the largest layers (${r.summary.largestLayers.map(compactLayers).join('; ')}).`;
  const whole = table(
    ['what', 'wasm s', 'tfjs-cpu s', 'speedup'],
    ['---', '---:', '---:', '---:'],
    [
      ...r.trainSteps.map((t) => [`training step, ${t.preset}, batch ${t.batch}, ${t.outputSize}³ out`, s(t.ms, 2), s(t.baselineMs, 2), t.speedup ? `**${f(t.speedup)}×**` : '–']),
      [`inference, ${r.inference.preset}, ${r.inference.scan}`, s(r.inference.ms, 2), s(r.inference.baselineMs, 2), `**${f(r.inference.speedup)}×**`],
    ],
  );
  const cases = table(
    ['layer', 'op', 'input', 'wasm ms', 'GFLOP/s', '% peak', 'tfjs-cpu ms', 'speedup', 'ORT web ms', 'ORT native ms'],
    ['---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
    r.cases.map((c) => [compactLayers(c.layer), c.op, c.x.join('×'), f(c.ms, 0), f(c.gflops), f(c.fractionOfPeak * 100, 0), f(c.baselineMs, 0), `${f(c.speedup)}×`, f(c.ortMs, 0), f(c.ortNativeMs, 0)]),
  );
  return `${head}\n\n${whole}\n\n<details><summary>Every convolution (batch 4, paper sizes)</summary>\n\n${cases}\n\n</details>`;
}
