/**
 * `npx ctseg`: segmentation of many scans in Node over the app's own core (readers, predictor, writers), on
 * Dawn WebGPU where a GPU is present, else the `wasm` backend. Run through bin/ctseg.mjs (which sets up
 * Vulkan and tsx); see README "Batch segmentation".
 *
 *   ctseg segment <inputs…> --out DIR [--model ID|DIR] [--format nifti|dicom-seg|nrrd|mha] [--stats]
 *       [--shard I/N | --shard-count N] [--backend webgpu|wasm|cpu] [--retry-failed] [--force] [--dry-run]
 *   ctseg summary DIR        one summary.csv of every case recorded in DIR (after a sharded run)
 *   ctseg models             the shipped models
 *
 * Exit status: 0 every case done; 1 some case failed; 2 the command itself is wrong (flags, inputs, model),
 * nothing segmented; 3 no case failed but some were held by another process.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { LoadedModel } from '../core/engines/models';
import { errorMessage } from '../core/errors';
import { resolveCases, UsageError } from './batch/cases';
import { BATCH_FORMATS, checkFormat } from './batch/outputs';
import { Progress } from './batch/progress';
import { resolveShard, shardCases } from './batch/shard';
import { readRecord, STATE_DIR } from './batch/state';
import { writeSummary, type SummaryRow } from './batch/summary';
import type { CaseLock } from './batch/state';

const USAGE = `usage:
  ctseg segment <inputs…> --out DIR [options]
      inputs: NIfTI files, DICOM folders (a folder of .nii/.nii.gz files is one case per file),
              or manifests (CSV with a header row "case,path")
      --model ID|DIR      a shipped model's id (ctseg models) or a folder with model.json + weights.bin
                          (default: the first shipped model)
      --format F          ${BATCH_FORMATS.join('|')} (default nifti)
      --stats             per-organ statistics (volume, HU, centroid, box), <case>-statistics.json
      --shard I/N         run shard I of N (0 ≤ I < N); also from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT,
                          or JOB_COMPLETION_INDEX with --shard-count N (or CTSEG_SHARD_COUNT)
      --backend B         webgpu|wasm|cpu (default: a hardware GPU through WebGPU, else wasm)
      --retry-failed      try again cases that failed before on the same input
      --force             segment again cases that are already done
      --dry-run           list this shard's cases (id, path, recorded status) and stop
  ctseg summary DIR       write DIR/summary.csv from every case recorded in DIR
  ctseg models            list the shipped models
exit status: 0 all cases done, 1 some case failed, 2 bad command, 3 some cases held by another process`;

// tfjs and the engines load only once the command is known to be right (a wrong one is refused at once).
const PUBLIC = process.env.WORKBENCH_REPO_ROOT ? join(resolve(process.env.WORKBENCH_REPO_ROOT), 'public') : fileURLToPath(new URL('../../public', import.meta.url));
const INDEX_URL = '/models/index.json';

async function bundledRegistry() {
  const [{ ModelRegistry }, { localFetch }] = await Promise.all([import('../core/engines/models'), import('./model-dir')]);
  return new ModelRegistry({ fetchFunc: localFetch(PUBLIC) });
}

/** The model to segment with: a folder (model.json + weights.bin) or a shipped model's id. */
async function loadModel(spec: string | undefined): Promise<LoadedModel> {
  const { readModelDir } = await import('./model-dir');
  if (spec !== undefined && existsSync(spec)) {
    const dir = statSync(spec).isDirectory() ? resolve(spec) : dirname(resolve(spec));
    if (!existsSync(join(dir, 'model.json'))) throw new UsageError(`--model ${spec}: ${dir} has no model.json; expected a model folder (model.json + weights.bin) or a shipped model's id.`);
    return readModelDir(dir, { id: basename(dir), source: 'uploaded' });
  }
  const registry = await bundledRegistry();
  const shipped = await registry.addBundledIndex(INDEX_URL);
  const id = spec ?? shipped[0]?.id;
  if (!id || !shipped.some((m) => m.id === id)) {
    throw new UsageError(`--model ${spec ?? '(default)'} is neither a model folder nor a shipped model; shipped models: ${shipped.map((m) => m.id).join(', ') || 'none'}.`);
  }
  return registry.load(id);
}

async function listModels(): Promise<number> {
  const registry = await bundledRegistry();
  for (const m of await registry.addBundledIndex(INDEX_URL)) console.log(`${m.id}\t${m.name}\tclasses: ${m.classes.slice(1).join(', ')}\t${m.spacingMm.join('×')} mm`);
  return 0;
}

/** Every case recorded in DIR (all shards) as one summary.csv. */
function mergeSummary(dir: string | undefined): number {
  if (!dir) throw new UsageError('ctseg summary needs the output folder: ctseg summary DIR.');
  const state = join(dir, STATE_DIR);
  if (!existsSync(state)) throw new UsageError(`${dir} holds no batch records (no ${STATE_DIR} folder); run ctseg segment --out ${dir} first.`);
  const rows: SummaryRow[] = [];
  const organs = new Set<string>();
  for (const f of readdirSync(state).filter((x) => x.endsWith('.json')).sort()) {
    const r = readRecord(dir, f.slice(0, -5));
    if (!r) continue;
    Object.keys(r.volumesMl ?? {}).forEach((o) => organs.add(o));
    rows.push({ case: r.case, status: r.status, seconds: r.seconds, volumesMl: r.volumesMl, message: r.message });
  }
  writeSummary(dir, 'summary.csv', rows, [...organs]);
  const failed = rows.filter((r) => r.status !== 'done').length;
  console.log(`${join(dir, 'summary.csv')}: ${rows.length} cases, ${rows.length - failed} done, ${failed} failed`);
  return failed ? 1 : 0;
}

async function segment(argv: string[]): Promise<number> {
  const { values: a, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      model: { type: 'string', short: 'm' },
      format: { type: 'string', default: 'nifti' },
      stats: { type: 'boolean', default: false },
      shard: { type: 'string' },
      'shard-count': { type: 'string' },
      backend: { type: 'string' },
      'retry-failed': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  // Everything that can be wrong with the command is found before the backend starts.
  if (!a.out) throw new UsageError('--out DIR is required: the folder for the segmentations and summary.csv.');
  const format = checkFormat(a.format!);
  const shard = resolveShard({ shard: a.shard, shardCount: a['shard-count'] });
  const all = resolveCases(positionals);
  const cases = shardCases(all, shard);
  if (a['dry-run']) {
    // The shard's cases and what the folder records of them, without starting a backend.
    for (const c of cases) console.log(`${c.id}\t${c.path}\t${readRecord(resolve(a.out), c.id)?.status ?? 'not run'}`);
    console.log(`ctseg: shard ${shard.index}/${shard.count} (${shard.source}) has ${cases.length} of ${all.length} cases`);
    return 0;
  }
  if (a.backend !== undefined) {
    if (!['webgpu', 'wasm', 'cpu'].includes(a.backend)) throw new UsageError(`--backend must be webgpu, wasm or cpu; it is "${a.backend}".`);
    process.env.WORKBENCH_BACKEND = a.backend;
  }
  const out = resolve(a.out);
  mkdirSync(out, { recursive: true });
  const [{ describeBackend, nodeBackend }, { runBatch }] = await Promise.all([import('./node-backend'), import('./batch/run')]);
  const device = await nodeBackend().catch((e) => {
    throw new UsageError(errorMessage(e));
  });
  const model = await loadModel(a.model).catch((e) => {
    throw e instanceof UsageError ? e : new UsageError(errorMessage(e));
  });
  const progress = new Progress(process.stdout, cases.length);
  progress.log(`ctseg: ${cases.length} of ${all.length} cases (shard ${shard.index}/${shard.count}, ${shard.source}), model ${model.info.id}, ${format}, backend ${describeBackend(device)}, into ${out}`);
  let held: CaseLock | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    held?.release();
    progress.close();
    console.error(`ctseg: stopped by ${sig}; the running case was released and will run again next time.`);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const t0 = performance.now();
  const r = await runBatch({ cases, out, model, device, format, stats: a.stats!, shard, progress, retryFailed: a['retry-failed'], force: a.force, onLock: (l) => (held = l) });
  progress.close();
  const count = (s: string) => r.rows.filter((x) => x.status === s).length;
  console.log(`ctseg: ${count('done')} done (${r.segmented.length} now), ${count('failed')} failed, ${count('busy')} busy elsewhere, in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${join(out, r.summaryFile)}`);
  model.net.dispose();
  return r.exitCode;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'segment') return segment(rest);
  if (command === 'summary') return mergeSummary(rest[0]);
  if (command === 'models') return listModels();
  throw new UsageError(`Unknown command "${command}"; expected segment, summary or models (ctseg --help).`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    const usage = e instanceof UsageError || (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'));
    console.error(`ctseg: ${errorMessage(e)}`);
    if (!usage && e instanceof Error && e.stack) console.error(e.stack);
    process.exit(usage ? 2 : 1);
  },
);
