/**
 * The isample experiment (the paper's Table 4a and Fig. 2): isample (ε = 0.01) against uniform sampling with
 * the same data, seeds, budget and schedule, on the paper's sparse task: the kidneys (both as one class,
 * 0.9 % of patient A's voxels), trained on patient A.
 *
 *   npm run experiment -- isample [--seeds 1,2,3] [--iterations 1000] [--at 125,250,500,1000] [--preset tiny]
 *     [--spacing 3] [--batch 4] [--error-map-every 50] [--out experiments/results/isample-kidneys.json]
 *
 * At each iteration of `--at` it segments whole volumes with the current weights (the app's predictor, with
 * its largest-component post-processing) and records Dice:
 *   - on patient A itself (the training scan: how fast each sampler learns what it is shown);
 *   - on IRCADb 1.7 (manual labels, contrast-enhanced, never trained on: generalisation), when
 *     ../shared/data has it.
 * Results are written after every run (a long experiment keeps what it has), and the plot
 * (docs/images/isample-kidneys.svg) and README table are made from the JSON by experiments/plot.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import type { EngineEvent, SamplerName, TrainOptions } from '../src/core/engines/contract';
import { modelFromTraining } from '../src/core/engines/models';
import { segmentVolume } from '../src/core/engines/predictor';
import { Trainer } from '../src/core/engines/trainer';
import { VolumeStore } from '../src/core/engines/volume-store';
import { realValues, resampleToGrid, resampleToSpacing, toCanonical, type Vec3, type Volume } from '../src/core/data';
import { machine } from '../src/core/platform/machine';
import { loadIrcadb, loadPatientA, REPO_ROOT, type LabelledScan } from '../src/cli/demo-data';
import { gitCommit } from '../src/cli/demo-report';
import { describeBackend, nodeBackend, nodeDevice } from '../src/cli/node-backend';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    iterations: { type: 'string', default: '1000' },
    at: { type: 'string', default: '125,250,500,1000' },
    preset: { type: 'string', default: 'tiny' },
    spacing: { type: 'string', default: '3' },
    batch: { type: 'string', default: '4' },
    lr: { type: 'string', default: '0.05' },
    epsilon: { type: 'string', default: '0.01' },
    'error-map-every': { type: 'string', default: '50' },
    samplers: { type: 'string', default: 'isample,uniform' },
    out: { type: 'string', default: 'experiments/results/isample-kidneys.json' },
  },
});

if (positionals[0] && positionals[0] !== 'isample') throw new Error(`unknown experiment "${positionals[0]}"; the one there is: isample`);

const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const KIDNEY = 1;

/** Both kidneys as one class (value 1), everything else 0: the paper's kidney task. */
function kidneysOnly(scan: LabelledScan, kidneyValues: number[]): LabelledScan {
  const { slope, inter } = scan.labels.scale;
  const data = Uint8Array.from(scan.labels.data, (v) => (kidneyValues.includes(v * slope + inter) ? KIDNEY : 0));
  const labels: Volume = { ...scan.labels, data, scale: { slope: 1, inter: 0 } };
  return { ...scan, labels, names: { [KIDNEY]: 'kidneys' } };
}

/**
 * A scan resampled once to the training spacing (image trilinear, labels nearest on the same grid), so that
 * each evaluation of IRCADb's 40 M voxels does not resample it again: Dice is then taken on that grid.
 */
function atSpacing(scan: LabelledScan, mm: number): LabelledScan {
  const spacing: Vec3 = [mm, mm, mm];
  const canon = toCanonical(scan.image).volume;
  const image = resampleToSpacing({ ...canon, data: realValues(canon), scale: { slope: 1, inter: 0 } }, spacing, 'linear');
  const lab = toCanonical(scan.labels).volume;
  const labels = resampleToGrid(lab, image, 'nearest');
  return { image: { ...image, name: `${scan.image.name} at ${mm} mm` }, labels: { ...labels, data: Uint8Array.from(labels.data) }, names: scan.names };
}

interface EvalPoint {
  iteration: number;
  diceA: number;
  diceIrcadb?: number;
  /** Mean training loss over the iterations since the previous point. */
  loss: number;
  acceptRate: number;
}

interface RunResult {
  sampler: SamplerName;
  seed: number;
  points: EvalPoint[];
  losses: number[];
  trainingSeconds: number;
  medianStepMs: number;
}

async function evaluate(model: ReturnType<typeof modelFromTraining>, scan: LabelledScan): Promise<number> {
  const r = await segmentVolume({ device: nodeDevice(), net: model.net, meta: model.meta, image: scan.image, reference: scan.labels, referenceNames: scan.names, postprocess: true });
  return Number((r.dice?.kidneys ?? 0).toFixed(4));
}

async function runOne(sampler: SamplerName, seed: number, a: LabelledScan, ircadb: LabelledScan | undefined, at: number[]): Promise<RunResult> {
  const store = new VolumeStore();
  const img = store.add(a.image, 'image');
  store.add(a.labels, 'label', { imageId: img.info.id, labels: a.names });
  const iterations = Number(args.iterations);
  const opts: TrainOptions = {
    images: [img.info.id],
    classes: [KIDNEY],
    preset: args.preset as TrainOptions['preset'],
    sampler,
    epsilon: Number(args.epsilon),
    iterations,
    batchSize: Number(args.batch),
    learningRate: Number(args.lr),
    seed,
    spacing: [Number(args.spacing), Number(args.spacing), Number(args.spacing)],
    // Uniform sampling never reads E: its error map is not recomputed (that costs whole-volume inference).
    errorMapEvery: sampler === 'isample' ? Number(args['error-map-every']) : 1e7,
    validateEvery: 1e7,
    augment: true,
    runName: `${sampler} seed ${seed}`,
  };
  const losses: number[] = [];
  const stepMs: number[] = [];
  let accept = 1;
  let done!: (e?: string) => void;
  const finished = new Promise<string | undefined>((r) => (done = r));
  const emit = (e: EngineEvent) => {
    if (e.type === 'iteration') {
      losses.push(e.loss);
      stepMs.push(e.msPerIteration);
      accept = e.acceptRate;
    }
    if (e.type === 'state' && (e.state === 'done' || e.state === 'error')) done(e.error);
  };
  const points: EvalPoint[] = [];
  const trainer = new Trainer({ store, device: nodeDevice, emit });
  await trainer.start(opts, {
    checkpointEvery: gcd(at),
    onCheckpoint: async (c) => {
      if (!at.includes(c.iteration)) return;
      const model = modelFromTraining({ plan: c.plan, net: c.net, iteration: c.iteration });
      try {
        const diceA = await evaluate(model, a);
        const diceIrcadb = ircadb ? await evaluate(model, ircadb) : undefined;
        const prev = points.at(-1)?.iteration ?? 0;
        const recent = losses.slice(prev, c.iteration);
        points.push({ iteration: c.iteration, diceA, ...(diceIrcadb !== undefined ? { diceIrcadb } : {}), loss: Number((recent.reduce((x, y) => x + y, 0) / recent.length).toFixed(4)), acceptRate: Number(accept.toFixed(3)) });
        log(`${sampler} seed ${seed} it ${c.iteration}: Dice A ${diceA}${diceIrcadb !== undefined ? ` IRCADb ${diceIrcadb}` : ''} (loss ${points.at(-1)!.loss}, accept ${accept.toFixed(2)})`);
      } finally {
        model.net.dispose();
      }
    },
  });
  const error = await finished;
  if (error) throw new Error(`${sampler} seed ${seed}: ${error}`);
  trainer.latest?.net.dispose();
  const sorted = [...stepMs].sort((x, y) => x - y);
  return { sampler, seed, points, losses: losses.map((l) => Number(l.toFixed(4))), trainingSeconds: Math.round(stepMs.reduce((x, y) => x + y, 0) / 1000), medianStepMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0) };
}

function gcd(xs: number[]): number {
  const g = (x: number, y: number): number => (y === 0 ? x : g(y, x % y));
  return xs.reduce(g);
}

async function main(): Promise<void> {
  const backend = await nodeBackend();
  log(`backend: ${describeBackend(backend)}`);
  const seeds = args.seeds!.split(',').map(Number);
  const samplers = args.samplers!.split(',') as SamplerName[];
  const at = args.at!.split(',').map(Number).filter((x) => x <= Number(args.iterations));
  const a = kidneysOnly(loadPatientA(), [2, 3]);
  const rawIrcadb = loadIrcadb();
  const ircadb = rawIrcadb && atSpacing(kidneysOnly(rawIrcadb, [3, 4]), Number(args.spacing));
  if (!ircadb) log('IRCADb 1.7 is not in ../shared/data: Dice on patient A only');
  const out = resolve(REPO_ROOT, args.out!);
  mkdirSync(dirname(out), { recursive: true });
  const runs: RunResult[] = [];
  const t0 = performance.now();
  const write = () => {
    const result = {
      experiment: 'isample vs uniform sampling: kidneys (both as one class) trained on patient A',
      protocol: {
        trainedOn: 'patient A (public/demo/ct.nii.gz, non-contrast; TotalSegmentator kidneys, 0.9 % of voxels)',
        evaluatedOn: ['patient A (the training scan: learning speed)', ...(ircadb ? ['IRCADb 1.7 (manual kidneys, contrast-enhanced, never trained on: generalisation)'] : [])],
        dice: 'whole volume after the largest connected component (the app\'s post-processing); on A\'s own grid (3 mm), on IRCADb resampled once to the training spacing (labels nearest)',
        preset: args.preset, spacingMm: Number(args.spacing), batch: Number(args.batch), learningRate: Number(args.lr), epsilon: Number(args.epsilon),
        errorMapEvery: Number(args['error-map-every']), iterations: Number(args.iterations), evaluatedAt: at, seeds, samplers, augment: true, loss: 'cross-entropy',
        command: `npm run experiment -- isample ${process.argv.slice(3).join(' ')}`.trim(),
      },
      runs,
      machine: { ...machine(backend.info.adapter), loadAverage1m: Number(loadavg()[0].toFixed(2)) },
      gitCommit: gitCommit(REPO_ROOT),
      wallSeconds: Math.round((performance.now() - t0) / 1000),
      date: new Date().toISOString(),
    };
    writeFileSync(out, JSON.stringify(result, null, 1) + '\n');
  };
  // Interleaved (seed 1 isample, seed 1 uniform, …) so that a stopped experiment has matched pairs.
  for (const seed of seeds) {
    for (const sampler of samplers) {
      runs.push(await runOne(sampler, seed, a, ircadb, at));
      write();
      log(`wrote ${args.out} (${runs.length} runs)`);
    }
  }
}

// Exit explicitly: the wasm backend's worker threads would keep Node alive after main() returns.
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
