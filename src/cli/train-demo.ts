/**
 * `npm run train:demo`: trains the shipped demo model (public/models/demo-organs4) on patient A with the
 * app's own Trainer on WebGPU (Dawn; SwiftShader without a GPU), with fixed seeds; checkpoints so a long run
 * can resume (`--resume`); then segments patient B (held out) and A through the app's predictor and writes
 * report.json and public/models/index.json.
 *
 *   npm run train:demo -- [--iterations 6000] [--preset tiny] [--spacing 3] [--batch 8] [--seed 7]
 *     [--lr 0.05] [--photometric] [--loss cross-entropy] [--class-weights 1,1,2,2,1] [--epsilon 0.01]
 *     [--out public/models/demo-organs4] [--checkpoint-every 250] [--resume] [--eval-only]
 *     [--max-seconds S]  stop training after S seconds of steps (the GPU kit's time budget), then write and evaluate
 *     [--no-index]       leave public/models/index.json alone
 *     [--eval ab|b|none|LIST] which scans to segment afterwards (default ab; none: the GPU kit's smoke run); LIST:
 *                        comma-separated a, b, ircadb (IRCADb 1.7 from ../shared/data: evaluation only, never training)
 *     [--data a|LIST]    training scans, comma-separated: a (patient A), b (patient B, spleen and liver labelled),
 *                        spleen8 (MSD spleen_8, spleen only): partially labelled scans train with the marginal loss
 *     [--model-id ID] [--name TEXT] [--scans-per-batch N]
 *     [--init-from DIR]  start from that model's weights (a fine-tuning stage; iterations count from 0 again)
 *     [--b-labels spleen,liver|all]  the classes patient B labels: its TotalSegmentator map is complete (it names
 *                        stomach, pancreas, aorta, …), so kidneys absent from it are absent from the scan: `all`
 *
 * The shipped default model (public/models/organs4-medium):
 *   npm run train:demo -- --data a,b,spleen8 --preset medium --spacing 3 --batch 4 --scans-per-batch 2 \
 *     --photometric --photometric-shift 0.3 --model-id organs4-medium --out public/models/organs4-medium --eval b,a,ircadb
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EngineEvent, TrainOptions } from '../core/engines/contract';
import { modelFromTraining, MODEL_INDEX_FORMAT, type BundledIndex, type LoadedModel } from '../core/engines/models';
import { Trainer, type TrainerHooks } from '../core/engines/trainer';
import { IRCADB_17, loadIrcadb, loadPatientA, loadPatientB, loadSpleen8, PATIENT_A, PATIENT_B, renumberByName, REPO_ROOT, SPLEEN_8, storeWithPatientA, type LabelledScan } from './demo-data';
import { DEMO_LABELS } from '../core/data';

/** The organs4 numbering (spleen 1, kidney_right 2, kidney_left 3, liver 4). */
function namesOfTable(): Record<number, string> {
  return Object.fromEntries(Object.entries(DEMO_LABELS).filter(([k]) => k !== '0').map(([k, v]) => [Number(k), v.name]));
}
import { evaluateOn, gitCommit } from './demo-report';
import { machine } from '../core/platform/machine';
import { describeBackend, nodeBackend, nodeDevice } from './node-backend';
import { readModelDir, writeModelDir } from './model-dir';

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: '6000' },
    preset: { type: 'string', default: 'tiny' },
    spacing: { type: 'string', default: '3' },
    batch: { type: 'string', default: '8' },
    seed: { type: 'string', default: '7' },
    lr: { type: 'string', default: '0.05' },
    epsilon: { type: 'string', default: '0.01' },
    loss: { type: 'string', default: 'cross-entropy' },
    'class-weights': { type: 'string' },
    photometric: { type: 'boolean', default: false },
    'photometric-shift': { type: 'string', default: '0.1' },
    slabs: { type: 'string', default: '0' },
    'slab-mm': { type: 'string', default: '42' },
    'error-map-every': { type: 'string', default: '200' },
    out: { type: 'string', default: 'public/models/demo-organs4' },
    'checkpoint-dir': { type: 'string' },
    'checkpoint-every': { type: 'string', default: '250' },
    'log-every': { type: 'string', default: '25' },
    resume: { type: 'boolean', default: false },
    'eval-only': { type: 'boolean', default: false },
    'max-seconds': { type: 'string' },
    'no-index': { type: 'boolean', default: false },
    eval: { type: 'string', default: 'ab' },
    data: { type: 'string', default: 'a' },
    'model-id': { type: 'string', default: 'demo-organs4' },
    name: { type: 'string' },
    'scans-per-batch': { type: 'string' },
    'init-from': { type: 'string' },
    'b-labels': { type: 'string', default: 'spleen,liver' },
  },
});

const MODEL_ID = args['model-id']!;
const DATA = args.data!.split(',').map((d) => d.trim());
for (const d of DATA) if (!['a', 'b', 'spleen8'].includes(d)) throw new Error(`--data takes a, b and spleen8; got "${d}"`);
if (!DATA.includes('a')) throw new Error('--data must include a (patient A: the only scan here with kidneys labelled)');
const EVAL = args.eval === 'ab' ? ['b', 'a'] : args.eval === 'none' ? [] : args.eval!.split(',').map((d) => d.trim());
for (const d of EVAL) if (!['a', 'b', 'ircadb'].includes(d)) throw new Error(`--eval takes ab, b, none or a list of a, b, ircadb; got "${args.eval}"`);
const outDir = resolve(REPO_ROOT, args.out!);
const checkpointDir = resolve(REPO_ROOT, args['checkpoint-dir'] ?? join('tmp/train-demo', args.out!.replace(/[^a-z0-9]+/gi, '-')));
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

/** Image ids of the partially labelled training scans → the organs4 values they label. */
let partialLabels: Record<string, number[]> = {};

function trainOptions(imageIds: string[]): TrainOptions {
  const s = Number(args.spacing);
  const shift = Number(args['photometric-shift']);
  return {
    images: imageIds,
    classes: [1, 2, 3, 4],
    preset: args.preset as TrainOptions['preset'],
    sampler: 'isample',
    epsilon: Number(args.epsilon),
    loss: args.loss as TrainOptions['loss'],
    iterations: Number(args.iterations),
    batchSize: Number(args.batch),
    learningRate: Number(args.lr),
    seed: Number(args.seed),
    spacing: [s, s, s],
    errorMapEvery: Number(args['error-map-every']),
    validateEvery: 1e7,
    augment: true,
    photometric: args.photometric ? { shift: [-shift, shift] } : false,
    classWeights: args['class-weights']?.split(',').map(Number),
    ...(Object.keys(partialLabels).length ? { labelledClasses: partialLabels } : {}),
    ...(args['scans-per-batch'] ? { scansPerBatch: Number(args['scans-per-batch']) } : {}),
    runName: MODEL_ID,
  };
}

interface CheckpointState {
  iteration: number;
  options: Omit<TrainOptions, 'images'>;
  trainingMs: number;
  losses: number[];
  date: string;
}

function writeErrorMaps(maps: Float32Array[]): void {
  maps.forEach((m, i) => writeFileSync(join(checkpointDir, `error-map-${i}.f32`), new Uint8Array(m.buffer, m.byteOffset, m.byteLength)));
}

function readErrorMaps(): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; existsSync(join(checkpointDir, `error-map-${i}.f32`)); i++) {
    const b = readFileSync(join(checkpointDir, `error-map-${i}.f32`));
    out.push(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
  }
  return out;
}

async function resumeHook(opts: TrainOptions): Promise<TrainerHooks['resume']> {
  if (args['init-from'] && !args.resume) {
    const init = await readModelDir(resolve(REPO_ROOT, args['init-from']));
    log(`starting from the weights of ${args['init-from']} (${init.info.provenance.iterations} iterations)`);
    return { net: init.net, iteration: 0 };
  }
  if (!args.resume) return undefined;
  const statePath = join(checkpointDir, 'state.json');
  if (!existsSync(statePath)) {
    log(`no checkpoint in ${relative(REPO_ROOT, checkpointDir)}: starting from scratch`);
    return undefined;
  }
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as CheckpointState;
  const { images: _images, ...mine } = opts;
  if (JSON.stringify(state.options) !== JSON.stringify(mine)) {
    throw new Error(`the checkpoint in ${checkpointDir} was made with other options:\n${JSON.stringify(state.options)}\nnow:\n${JSON.stringify(mine)}`);
  }
  const model = await readModelDir(checkpointDir);
  log(`resuming at iteration ${state.iteration} (${Math.round(state.trainingMs / 1000)} s trained so far)`);
  resumed = state;
  return { net: model.net, iteration: state.iteration, errorMaps: readErrorMaps() };
}

let resumed: CheckpointState | undefined;

async function train(): Promise<{ model: LoadedModel; trainingMs: number; losses: number[]; stepMs: number[] }> {
  const { store, imageIds } = storeWithPatientA(undefined, { count: Number(args.slabs), thicknessMm: Number(args['slab-mm']) });
  const organs = namesOfTable();
  const extra: [string, LabelledScan, number[]][] = [];
  if (DATA.includes('b')) extra.push(['b', renumberByName(loadPatientB(), organs), args['b-labels'] === 'all' ? [1, 2, 3, 4] : [1, 4]]);
  if (DATA.includes('spleen8')) extra.push(['spleen8', loadSpleen8(), [1]]);
  partialLabels = {};
  for (const [, scan, labelled] of extra) {
    const img = store.add(scan.image, 'image');
    store.add(scan.labels, 'label', { imageId: img.info.id, labels: scan.names });
    imageIds.push(img.info.id);
    partialLabels[img.info.id] = labelled;
  }
  const opts = trainOptions(imageIds);
  const resume = await resumeHook(opts);
  const losses = [...(resumed?.losses ?? [])];
  const stepMs: number[] = [];
  let trainingMs = resumed?.trainingMs ?? 0;
  let done!: (e?: string) => void;
  const finished = new Promise<string | undefined>((r) => (done = r));
  const every = Number(args['log-every']);
  const maxMs = args['max-seconds'] ? Number(args['max-seconds']) * 1000 : Infinity;
  const startedAt = performance.now();
  const running: { trainer?: Trainer } = {};
  let stopping = false;
  const emit = (e: EngineEvent) => {
    if (e.type === 'iteration') {
      if (!stopping && performance.now() - startedAt > maxMs) {
        stopping = true;
        log(`stopping after iteration ${e.iteration}: --max-seconds ${args['max-seconds']} reached`);
        void running.trainer?.stop();
      }
      losses.push(Number(e.loss.toFixed(5)));
      stepMs.push(Math.round(e.msPerIteration));
      trainingMs += e.msPerIteration;
      if (e.iteration % every === 0) {
        const recent = losses.slice(-every);
        log(`it ${e.iteration}/${e.iterations} loss ${(recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(4)} lr ${e.lr.toPrecision(3)} accept ${e.acceptRate.toFixed(2)} ${Math.round(e.msPerIteration)} ms tensors ${e.numTensors}`);
      }
    }
    if (e.type === 'state' && (e.state === 'done' || e.state === 'error')) done(e.error);
  };
  const trainer = new Trainer({ store, device: nodeDevice, emit });
  running.trainer = trainer;
  const onCheckpoint: TrainerHooks['onCheckpoint'] = async (c) => {
    const m = modelFromTraining({ plan: c.plan, net: c.net, iteration: c.iteration }, { id: MODEL_ID });
    await writeModelDir(m, checkpointDir);
    m.net.dispose();
    writeErrorMaps(c.errorMaps);
    const { images: _images, ...options } = opts;
    const state: CheckpointState = { iteration: c.iteration, options, trainingMs, losses, date: new Date().toISOString() };
    writeFileSync(join(checkpointDir, 'state.json'), JSON.stringify(state) + '\n');
    log(`checkpoint at iteration ${c.iteration} in ${relative(REPO_ROOT, checkpointDir)}`);
  };
  mkdirSync(checkpointDir, { recursive: true });
  const { plan } = await trainer.start(opts, { resume, onCheckpoint, checkpointEvery: Number(args['checkpoint-every']) });
  resume?.net.dispose();
  log(`training ${plan.preset} at ${plan.spacing.join('×')} mm, batch ${plan.batchSize}, ${plan.iterations} iterations, classes ${plan.classNames.join(', ')}`);
  const error = await finished;
  if (error) throw new Error(error);
  const latest = trainer.latest!;
  const model = modelFromTraining({ plan: latest.plan, net: latest.net, iteration: latest.status.iteration }, {
    id: MODEL_ID,
    name: args.name ?? `${MODEL_ID === 'demo-organs4' ? 'Demo: s' : 'S'}pleen, kidneys, liver (${plan.preset}, ${plan.spacing[0]} mm)`,
    gitCommit: gitCommit(REPO_ROOT),
  });
  model.info.provenance.data = [
    `patient A (${PATIENT_A.image} + ${PATIENT_A.labels})`,
    ...(DATA.includes('b') ? [`patient B (${PATIENT_B.image} + ${PATIENT_B.labels}; spleen and liver labelled)`] : []),
    ...(DATA.includes('spleen8') ? [`MSD spleen_8 (${SPLEEN_8.image} + ${SPLEEN_8.labels}; spleen only)`] : []),
  ].join(', ') + ` at ${plan.spacing.join('×')} mm`;
  latest.net.dispose();
  return { model, trainingMs, losses, stepMs };
}

function updateIndex(model: LoadedModel): void {
  const path = resolve(outDir, '..', 'index.json');
  const idx: BundledIndex = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : { format: MODEL_INDEX_FORMAT, models: [] };
  const { source: _s, location: _l, ...info } = model.info;
  const entry = { ...info, path: `${relative(resolve(outDir, '..'), outDir)}/model.json` };
  idx.models = [...idx.models.filter((m) => m.id !== entry.id), entry];
  writeFileSync(path, JSON.stringify(idx, null, 2) + '\n');
}

async function main(): Promise<void> {
  const backend = await nodeBackend();
  log(`backend: ${describeBackend(backend)}`);
  const t0 = performance.now();
  let model: LoadedModel;
  let training: Omit<Awaited<ReturnType<typeof train>>, 'model'> | undefined;
  if (args['eval-only']) {
    model = await readModelDir(outDir, { id: MODEL_ID });
  } else {
    const r = await train();
    model = r.model;
    training = r;
    const sizes = await writeModelDir(model, outDir);
    log(`wrote ${relative(REPO_ROOT, outDir)}/model.json (${sizes.modelJsonBytes} B) and weights.bin (${sizes.weightsBytes} B)`);
    if (!args['no-index']) updateIndex(model);
  }
  const evaluations: Record<string, Awaited<ReturnType<typeof evaluateOn>> | null> = {};
  for (const d of EVAL) {
    const trained = DATA.includes(d) ? 'trained on' : 'held out';
    const scan = d === 'a' ? loadPatientA() : d === 'b' ? loadPatientB() : loadIrcadb();
    if (!scan) {
      log(`IRCADb 1.7 is not in ${IRCADB_17.dir}: not evaluated`);
      continue;
    }
    const what = d === 'a' ? `patient A (${PATIENT_A.image}, ${trained})` : d === 'b' ? `patient B (${PATIENT_B.image}, ${trained})` : 'IRCADb 1.7 (manual labels; never trained on)';
    const r = await evaluateOn(model, scan, what);
    evaluations[d === 'a' ? 'patientA' : d === 'b' ? 'patientB' : 'ircadb17'] = r;
    log(`${what}: Dice ${JSON.stringify(r.dice)} (raw ${JSON.stringify(r.diceRaw)}) in ${r.ms} ms`);
  }
  const onB = evaluations.patientB ?? null;
  const onA = evaluations.patientA ?? null;
  const reportPath = join(outDir, args['eval-only'] ? 'report-eval.json' : 'report.json');
  const previous = args['eval-only'] && existsSync(join(outDir, 'report.json')) ? JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) : undefined;
  const sorted = training ? [...training.stepMs].sort((a, b) => a - b) : [];
  const report = {
    model: model.info,
    recipe: { ...trainOptions(['patient A']), images: [PATIENT_A.image, ...(DATA.includes('b') ? [PATIENT_B.image] : []), ...(DATA.includes('spleen8') ? [SPLEEN_8.image] : [])], command: process.argv.slice(2).join(' '), slabs: Number(args.slabs) ? `${args.slabs} z-slabs of ${args['slab-mm']} mm` : 'none', labels: PATIENT_A.labels, sampler: 'isample', augment: 'rotation ±10/4/4°, spacing ±0.1 mm' + (args.photometric ? `, photometric (scale 0.9–1.1, shift ±${args['photometric-shift']} (×218 HU), gamma 0.8–1.25, noise σ ≤ 0.05)` : '') },
    training: training
      ? { iterations: model.info.provenance.iterations, trainingSeconds: Math.round(training.trainingMs / 1000), resumedFrom: resumed?.iteration ?? null, medianStepMs: sorted[Math.floor(sorted.length / 2)] ?? null, lossFirst100: mean(training.losses.slice(0, 100)), lossLast100: mean(training.losses.slice(-100)) }
      : previous?.training,
    evaluation: { patientB: onB, patientA: onA, ...(evaluations.ircadb17 ? { ircadb17: evaluations.ircadb17 } : {}), postprocess: 'largest 26-connected component per class', note: 'Dice on each scan\'s own grid against TotalSegmentator labels; B\'s labels mapped to the model\'s classes by name (B has no kidneys).' },
    stepTimes: existsSync(join(outDir, 'step-times.json')) ? JSON.parse(readFileSync(join(outDir, 'step-times.json'), 'utf8')) : undefined,
    machine: machine(backend.info.adapter),
    wallSeconds: Math.round((performance.now() - t0) / 1000),
    date: new Date().toISOString(),
  };
  writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
  log(`wrote ${relative(REPO_ROOT, reportPath)}`);
  model.net.dispose();
}

const mean = (a: number[]) => (a.length ? Number((a.reduce((x, y) => x + y, 0) / a.length).toFixed(4)) : null);

// Exit explicitly: the wasm backend's worker threads would keep Node alive after main() returns.
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
