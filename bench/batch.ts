/**
 * Cases per hour of the batch CLI on this machine: `npx tsx bench/batch.ts [--cases N] [--backend wasm]`.
 *
 * For each scan, a manifest listing it N times (distinct case ids) is run through `node bin/ctseg.mjs segment`
 * as users run it (one process, the shipped model demo-organs4), and timed: the seconds per case from the
 * summary (steady state) and the wall time of the whole process (start-up and model load included).
 * Scans: patient A (public/demo/ct.nii.gz, 122×101×112 at 3 mm), patient B as NIfTI and as its DICOM series
 * (test-data/ct-abdomen-b, 512×512×20), and patient B stacked to 300 slices (512×512×300, 600 mm: the size of
 * a whole abdominal CT; written to a temporary folder, never kept). Writes bench/results/batch.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { readNifti, writeNifti, type Volume } from '../src/core/data';
import { machine } from '../src/core/platform/machine';

const ROOT = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({ options: { cases: { type: 'string', default: '6' }, backend: { type: 'string', default: 'wasm' }, out: { type: 'string', default: 'bench/results/batch.json' }, skip: { type: 'string', default: '' } } });
const N = Number(args.cases);

function run(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin/ctseg.mjs'), ...argv], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', rej);
    p.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

function stacked(v: Volume, slices: number): Volume {
  const [nx, ny, nz] = v.dims;
  const per = nx * ny;
  const data = new (v.data.constructor as new (n: number) => typeof v.data)(per * slices);
  for (let k = 0; k < slices; k++) {
    // Back and forth through the scan, so neighbouring slices stay neighbours.
    const src = Math.floor(k / nz) % 2 === 0 ? k % nz : nz - 1 - (k % nz);
    data.set(v.data.subarray(src * per, (src + 1) * per), k * per);
  }
  return { ...v, name: 'stacked.nii.gz', dims: [nx, ny, slices], data };
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'ctseg-bench-'));
  const bPath = join(ROOT, 'test-data/ct-abdomen-b/ct.nii.gz');
  const b = readNifti(readFileSync(bPath), 'ct.nii.gz');
  writeFileSync(join(tmp, 'stacked.nii.gz'), writeNifti(stacked(b, 300), { gzip: true }));
  const scans = [
    { name: 'patient A (public/demo/ct.nii.gz)', grid: '122×101×112, 3 mm', path: join(ROOT, 'public/demo/ct.nii.gz'), cases: N },
    { name: 'patient B, NIfTI (test-data/ct-abdomen-b/ct.nii.gz)', grid: '512×512×20, 0.98×0.98×2 mm', path: bPath, cases: N },
    { name: 'patient B, DICOM series (test-data/ct-abdomen-b/dicom, JPEG 2000)', grid: '512×512×20, 0.98×0.98×2 mm', path: join(ROOT, 'test-data/ct-abdomen-b/dicom'), cases: N },
    { name: 'patient B stacked to 300 slices (a whole abdominal CT\'s size)', grid: '512×512×300, 0.98×0.98×2 mm', path: join(tmp, 'stacked.nii.gz'), cases: Math.max(2, Math.ceil(N / 2)) },
  ].filter((s) => !args.skip || !s.name.includes(args.skip));
  const started = new Date().toISOString();
  const load = loadavg()[0];
  const results = [];
  let adapter = '';
  for (const [i, s] of scans.entries()) {
    const manifest = join(tmp, `m${i}.csv`);
    writeFileSync(manifest, ['case,path', ...Array.from({ length: s.cases }, (_, k) => `s${i}-${String(k).padStart(3, '0')},${s.path}`)].join('\n') + '\n');
    const out = join(tmp, `out${i}`);
    const t0 = performance.now();
    const r = await run(['segment', manifest, '--out', out, '--backend', args.backend!]);
    const wall = (performance.now() - t0) / 1000;
    if (r.code !== 0) throw new Error(`ctseg failed on ${s.name} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    adapter ||= /backend (.*?)(:|, into)/.exec(r.stdout)?.[1] ?? '';
    const rows = parse(readFileSync(join(out, 'summary.csv')), { columns: true }) as Record<string, string>[];
    const secs = rows.map((x) => Number(x.seconds));
    const stages = rows.map((x) => (JSON.parse(readFileSync(join(out, '.ctseg', `${x.case}.json`), 'utf8')) as { stages: Record<'read' | 'segment' | 'write', number> }).stages);
    const stageMedian = (k: 'read' | 'segment' | 'write') => Number(median(stages.map((st) => st[k])).toFixed(2));
    const res = {
      scan: s.name,
      grid: s.grid,
      cases: s.cases,
      secondsPerCase: { median: Number(median(secs).toFixed(2)), mean: Number(mean(secs).toFixed(2)), first: Number(secs[0].toFixed(2)) },
      medianStageSeconds: { read: stageMedian('read'), segment: stageMedian('segment'), write: stageMedian('write') },
      wallSeconds: Number(wall.toFixed(1)),
      startupSeconds: Number((wall - secs.reduce((x, y) => x + y, 0)).toFixed(1)),
      casesPerHour: Math.round(3600 / mean(secs)),
      casesPerHourWithStartup: Math.round((3600 * s.cases) / wall),
      volumesMl: Object.fromEntries(Object.entries(rows[0]).filter(([k]) => k.endsWith('_ml')).map(([k, v]) => [k.slice(0, -3), Number(v)])),
    };
    console.log(JSON.stringify(res));
    results.push(res);
  }
  const report = {
    what: 'cases per hour of `ctseg segment` (one process, the shipped model demo-organs4, largest component per class, NIfTI out), per scan size',
    date: started,
    backend: args.backend,
    method: 'one manifest per scan listing it N times; casesPerHour = 3600 / mean seconds per case from summary.csv (read, segment, write; the stages from each case\'s record in .ctseg/); casesPerHourWithStartup counts the whole process (Node + tsx start, backend, model).',
    machine: { ...machine(adapter), loadAverage1mAtStart: Number(load.toFixed(2)), loadAverage1mAtEnd: Number(loadavg()[0].toFixed(2)), note: 'a 2-core VM shared with other sessions: the load average says how busy it was' },
    results,
  };
  writeFileSync(join(ROOT, args.out!), JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${args.out}`);
  rmSync(tmp, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
