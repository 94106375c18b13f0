/**
 * The batch CLI end to end, as users run it (`node bin/ctseg.mjs segment …`, child processes, wasm backend,
 * the shipped demo model): two shards at the same time over four scans, one of them a truncated .nii.gz;
 * two unsharded processes at the same time over the same cases; reruns.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import dcmjs from 'dcmjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti, readVolumeFiles, writeNifti, writeNrrd, type Volume } from '../../core/data';
import { repoFile, repoPath } from '../../core/data/testing/repo-files';
import { parse } from 'csv-parse/sync';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The test's environment without shard variables (the tests may themselves run in a Slurm array), plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', ...env };
  for (const k of Object.keys(out)) if (/^SLURM_ARRAY_|^JOB_COMPLETION_INDEX$|^CTSEG_SHARD_COUNT$/.test(k) && !(k in env)) delete out[k];
  return out;
}

function ctseg(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [repoPath('bin/ctseg.mjs'), ...args], { cwd: tmp, env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let tmp: string;
let demo: Volume;

/** "[2/4] crop: done in …" lines: which cases a run segmented. */
const segmentedIn = (r: Run) => [...r.stdout.matchAll(/^\[\d+\/\d+\] (\S+): done in/gm)].map((m) => m[1]);

function csv(path: string): Record<string, string>[] {
  return parse(readFileSync(path), { columns: true });
}

function mtimes(dir: string, files: string[]): number[] {
  return files.map((f) => statSync(join(dir, f)).mtimeMs);
}

/** mL per label value of a written label map, counted here (not by the CLI). */
function countedMl(file: string): Record<number, number> {
  const v = readNifti(readFileSync(file), file);
  const voxelMl = v.spacing[0] * v.spacing[1] * v.spacing[2] / 1000;
  const out: Record<number, number> = {};
  for (const x of v.data) out[x] = (out[x] ?? 0) + voxelMl;
  return out;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ctseg-test-'));
  demo = readNifti(repoFile('public/demo/ct.nii.gz'), 'ct.nii.gz');
  const [nx, ny, nz] = demo.dims;
  const half = Math.floor(nz / 2);
  // The lower half of patient A (same affine: the first slice stays where it was).
  const crop: Volume = { ...demo, name: 'crop.nii.gz', dims: [nx, ny, half], data: demo.data.slice(0, nx * ny * half) };
  writeFileSync(join(tmp, 'full.nii.gz'), writeNifti(demo, { gzip: true }));
  writeFileSync(join(tmp, 'crop.nii.gz'), writeNifti(crop, { gzip: true }));
  const whole = readFileSync(join(tmp, 'full.nii.gz'));
  writeFileSync(join(tmp, 'bad.nii.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
  cpSync(repoPath('test-data/ct-abdomen-b/dicom'), join(tmp, 'series-b'), { recursive: true });
  // Relative paths are read from the manifest's folder.
  writeFileSync(join(tmp, 'cases.csv'), 'case,path\nfull,full.nii.gz\ncrop,crop.nii.gz\nbad,bad.nii.gz\npatient-b,series-b\n');
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('ctseg segment', () => {
  it('two shards at the same time: every good case once, the bad one reported, summaries right; a rerun does nothing', async () => {
    const out = join(tmp, 'out-sharded');
    const common = ['segment', 'cases.csv', '--out', out, '--backend', 'wasm', '--model', 'demo-organs4'];
    const [s0, s1] = await Promise.all([ctseg([...common, '--shard', '0/2']), ctseg([...common, '--shard', '1/2'])]);
    // Sorted ids bad, crop, full, patient-b: shard 0 takes bad and full, shard 1 crop and patient-b.
    expect(s0.code, s0.stdout + s0.stderr).toBe(1);
    expect(s1.code, s1.stdout + s1.stderr).toBe(0);
    expect(segmentedIn(s0)).toEqual(['full']);
    expect(segmentedIn(s1)).toEqual(['crop', 'patient-b']);
    expect(s0.stdout).toMatch(/bad: failed after [\d.]+ s: bad\.nii\.gz is a truncated gzip file/);

    const rows0 = csv(join(out, 'summary-0-of-2.csv'));
    const rows1 = csv(join(out, 'summary-1-of-2.csv'));
    expect(Object.keys(rows0[0])).toEqual(['case', 'status', 'seconds', 'spleen_ml', 'kidney_right_ml', 'kidney_left_ml', 'liver_ml', 'message']);
    expect(rows0.map((r) => [r.case, r.status])).toEqual([['bad', 'failed'], ['full', 'done']]);
    expect(rows1.map((r) => [r.case, r.status])).toEqual([['crop', 'done'], ['patient-b', 'done']]);
    expect(rows0[0].message).toMatch(/^bad\.nii\.gz is a truncated gzip file: .*fetch the file again\.$/);
    expect(rows0[0].liver_ml).toBe('');

    for (const row of [rows0[1], ...rows1]) {
      const seg = join(out, `${row.case}-seg.nii.gz`);
      const labels = readNifti(readFileSync(seg), seg);
      expect(labels.intent).toBe('label');
      expect(Number(row.seconds)).toBeGreaterThan(0);
      // The summary's volumes are the label map's, counted independently (names from the table beside it).
      const table = readFileSync(join(out, `${row.case}-seg.txt`), 'utf8').trim().split('\n').map((l) => l.split(' '));
      expect(table.map((t) => t[1])).toEqual(['background', 'spleen', 'kidney_right', 'kidney_left', 'liver']);
      const ml = countedMl(seg);
      for (const [value, name] of table.slice(1)) expect(Number(row[`${name}_ml`])).toBeCloseTo(ml[Number(value)] ?? 0, 1);
    }
    // Outputs are on each scan's own grid; the full scan has a liver, half of it less of one.
    expect(readNifti(readFileSync(join(out, 'full-seg.nii.gz')), 'full').dims).toEqual(demo.dims);
    expect(readNifti(readFileSync(join(out, 'crop-seg.nii.gz')), 'crop').dims).toEqual([demo.dims[0], demo.dims[1], Math.floor(demo.dims[2] / 2)]);
    expect(readNifti(readFileSync(join(out, 'patient-b-seg.nii.gz')), 'b').dims).toEqual([512, 512, 20]);
    expect(Number(rows0[1].liver_ml)).toBeGreaterThan(500);
    expect(existsSync(join(out, 'bad-seg.nii.gz'))).toBe(false);

    // One summary of all shards.
    const merged = await ctseg(['summary', out]);
    expect(merged.code).toBe(1);
    expect(csv(join(out, 'summary.csv')).map((r) => [r.case, r.status])).toEqual([['bad', 'failed'], ['crop', 'done'], ['full', 'done'], ['patient-b', 'done']]);

    // A rerun segments nothing and rewrites nothing; the bad case, unchanged, is reported again, not retried.
    const files = ['full-seg.nii.gz', 'crop-seg.nii.gz', 'patient-b-seg.nii.gz', 'summary-0-of-2.csv', 'summary-1-of-2.csv', '.ctseg/bad.json'];
    const before = mtimes(out, files);
    const [r0, r1] = await Promise.all([ctseg([...common, '--shard', '0/2']), ctseg([...common, '--shard', '1/2'])]);
    expect([r0.code, r1.code]).toEqual([1, 0]);
    expect([...segmentedIn(r0), ...segmentedIn(r1)]).toEqual([]);
    expect(r0.stdout).toMatch(/bad: skipped, failed before on the same input/);
    expect(mtimes(out, files)).toEqual(before);
    expect(csv(join(out, 'summary-0-of-2.csv'))).toEqual(rows0);
  });

  it('two processes over the same cases at the same time: each case segmented once', async () => {
    const out = join(tmp, 'out-shared');
    const args = ['segment', 'full.nii.gz', 'crop.nii.gz', '--out', out, '--backend', 'wasm', '--model', 'demo-organs4'];
    const runs = await Promise.all([ctseg(args), ctseg(args)]);
    const done = runs.flatMap(segmentedIn).sort();
    expect(done).toEqual(['crop', 'full']);
    for (const r of runs) {
      // A process that found a case held by the other says so; it exits 3 unless the other finished that
      // case before this one ended (then 0), and 0 when it never met the other.
      const busy = /skipped, another process is segmenting it/.test(r.stdout);
      expect(busy ? [0, 3] : [0], r.stdout + r.stderr).toContain(r.code);
    }
    // Whichever wrote last had the other's records to read: the summary has every case done.
    expect(csv(join(out, 'summary.csv')).map((r) => [r.case, r.status])).toEqual([['crop', 'done'], ['full', 'done']]);
    const again = await ctseg(args);
    expect(again.code).toBe(0);
    expect(segmentedIn(again)).toEqual([]);
    expect(csv(join(out, 'summary.csv')).map((r) => [r.case, r.status])).toEqual([['crop', 'done'], ['full', 'done']]);
  });

  it('writes NRRD and MetaImage label maps and per-organ statistics; reads a detached NRRD header with its data file', async () => {
    const [nrrd, mha] = [join(tmp, 'out-nrrd'), join(tmp, 'out-mha')];
    // crop.nii.gz again, as detached.nhdr + detached.raw.
    const crop = readNifti(readFileSync(join(tmp, 'crop.nii.gz')), 'crop.nii.gz');
    const attached = writeNrrd(crop, { gzip: false });
    const end = attached.findIndex((b, i) => b === 10 && attached[i + 1] === 10);
    writeFileSync(join(tmp, 'detached.nhdr'), new TextDecoder().decode(attached.subarray(0, end + 1)) + 'data file: detached.raw\n');
    writeFileSync(join(tmp, 'detached.raw'), attached.subarray(end + 2));
    const runs = await Promise.all([
      ctseg(['segment', 'crop.nii.gz', 'detached.nhdr', '--out', nrrd, '--backend', 'wasm', '--model', 'demo-organs4', '--format', 'nrrd', '--stats']),
      ctseg(['segment', 'crop.nii.gz', '--out', mha, '--backend', 'wasm', '--model', 'demo-organs4', '--format', 'mha']),
    ]);
    for (const r of runs) expect(r.code, r.stdout + r.stderr).toBe(0);
    const read = async (file: string) => readVolumeFiles([{ name: file, bytes: readFileSync(file) }]);
    const a = await read(join(nrrd, 'crop-seg.nrrd'));
    const b = await read(join(mha, 'crop-seg.mha'));
    const c = await read(join(nrrd, 'detached-seg.nrrd'));
    expect(a.dims).toEqual(crop.dims);
    expect(Array.from(a.affine)).toEqual(Array.from(crop.affine).map((x) => expect.closeTo(x, 4)));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(Array.from(c.data)).toEqual(Array.from(a.data));
    expect(existsSync(join(mha, 'crop-statistics.json'))).toBe(false);

    // The statistics against the label map and the scan, computed here.
    const stats = JSON.parse(readFileSync(join(nrrd, 'crop-statistics.json'), 'utf8')) as Record<string, { label: number; voxels: number; volumeMl: number; meanHu: number }>;
    const row = csv(join(nrrd, 'summary.csv')).find((r) => r.case === 'crop')!;
    const voxelMl = crop.spacing[0] * crop.spacing[1] * crop.spacing[2] / 1000;
    expect(Object.keys(stats).length).toBeGreaterThan(0);
    for (const [name, s] of Object.entries(stats)) {
      let n = 0;
      let hu = 0;
      for (let i = 0; i < a.data.length; i++) {
        if (a.data[i] === s.label) {
          n++;
          hu += crop.data[i] * crop.scale.slope + crop.scale.inter;
        }
      }
      expect(s.voxels).toBe(n);
      expect(s.volumeMl).toBeCloseTo(n * voxelMl, 6);
      expect(s.meanHu).toBeCloseTo(hu / n, 3);
      expect(Number(row[`${name}_ml`])).toBeCloseTo(s.volumeMl, 1);
    }
  });

  it('--format dicom-seg: a DICOM series gets a SEG that references its slices; a NIfTI case fails with a sentence', async () => {
    const out = join(tmp, 'out-seg');
    const r = await ctseg(['segment', 'series-b', 'full.nii.gz', '--out', out, '--backend', 'wasm', '--model', 'demo-organs4', '--format', 'dicom-seg']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/full: failed after [\d.]+ s: full: DICOM SEG needs a scan read from a DICOM series/);
    const seg = readFileSync(join(out, 'series-b-seg.seg.dcm'));
    const series = await readVolumeFiles(readdirSync(join(tmp, 'series-b')).map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(tmp, 'series-b', f))) })));
    const dict = dcmjs.data.DicomMessage.readFile(seg.buffer.slice(seg.byteOffset, seg.byteOffset + seg.byteLength));
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict) as {
      SOPClassUID: string;
      ReferencedSeriesSequence?: { ReferencedInstanceSequence?: { ReferencedSOPInstanceUID: string }[] };
      SegmentSequence: unknown[];
    };
    expect(ds.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    const referenced = new Set((ds.ReferencedSeriesSequence?.ReferencedInstanceSequence ?? []).map((x) => x.ReferencedSOPInstanceUID));
    expect([...referenced].sort()).toEqual(series.dicom!.slices.map((x) => x.sopInstanceUid).sort());
    expect(ds.SegmentSequence.length).toBeGreaterThan(0);
    expect(existsSync(join(out, 'full-seg.seg.dcm'))).toBe(false);
  });

  it('refuses a wrong command before segmenting anything, with a sentence and exit status 2', async () => {
    const out = join(tmp, 'out-refused');
    const cases: [string[], RegExp][] = [
      [['segment', 'cases.csv', '--out', out, '--format', 'seg'], /--format must be one of nifti, dicom-seg, nrrd, mha; it is "seg"/],
      [['segment', 'cases.csv', '--out', out, '--shard', '2/2'], /shard 2 does not exist; shards are numbered 0 to 1/],
      [['segment', 'full.nii.gz', 'missing.nii.gz', '--out', out], /missing\.nii\.gz does not exist/],
      [['segment', 'full.nii.gz', '--out', out, '--model', 'no-such-model'], /--model no-such-model is neither a model folder nor a shipped model; shipped models: .*demo-organs4/],
    ];
    const runs = await Promise.all(cases.map(([args]) => ctseg(args)));
    runs.forEach((r, i) => {
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toMatch(cases[i][1]);
    });
    expect(existsSync(join(out, '.ctseg'))).toBe(false);
  });

  it('--dry-run lists a shard\'s cases without segmenting', async () => {
    const out = join(tmp, 'out-dry');
    const r = await ctseg(['segment', 'cases.csv', '--out', out, '--dry-run'], { JOB_COMPLETION_INDEX: '1', CTSEG_SHARD_COUNT: '2' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([`crop\t${join(tmp, 'crop.nii.gz')}\tnot run`, `patient-b\t${join(tmp, 'series-b')}\tnot run`, 'ctseg: shard 1/2 (JOB_COMPLETION_INDEX=1 of 2) has 2 of 4 cases']);
    expect(existsSync(join(out, '.ctseg'))).toBe(false);
  });
});
