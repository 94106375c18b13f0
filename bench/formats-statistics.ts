/**
 * Per-organ statistics and the NRRD / MetaImage / NIfTI writers and readers on a 512×512×300 scan
 * (patient A resampled, its labels nearest-neighbour on the same grid): wall-clock ms and bytes.
 * Writes bench/results/formats-statistics.json. Only timings and sizes are recorded, never voxels.
 *
 *   npx tsx bench/formats-statistics.ts [--dims 512,512,300]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, totalmem } from 'node:os';
import { readMetaImage, readNifti, readNrrd, readVolumeFiles, writeMetaImage, writeNifti, writeNrrd, type Vec3, type Volume } from '../src/core/data';
import { labelArray } from '../src/core/data/checks';
import { organStatistics } from '../src/core/metrics';
import { resampledPatientA } from './synthetic-scan';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: Math.round(performance.now() - t0) };
}

/** Patient A's labels on the resampled grid, nearest neighbour by the same index mapping as resampledPatientA. */
function resampledLabels(al: Volume, dims: Vec3, spacing: Vec3): Uint8Array {
  const src = labelArray(al);
  const idx = (i: number, n: number, s: number, na: number, sa: number) => Math.round(((i - (n - 1) / 2) * s) / sa + (na - 1) / 2);
  const out = new Uint8Array(dims[0] * dims[1] * dims[2]);
  let at = 0;
  for (let k = 0; k < dims[2]; k++) {
    const z = idx(k, dims[2], spacing[2], al.dims[2], al.spacing[2]);
    for (let j = 0; j < dims[1]; j++) {
      const y = idx(j, dims[1], spacing[1], al.dims[1], al.spacing[1]);
      for (let i = 0; i < dims[0]; i++, at++) {
        const x = idx(i, dims[0], spacing[0], al.dims[0], al.spacing[0]);
        if (x >= 0 && y >= 0 && z >= 0 && x < al.dims[0] && y < al.dims[1] && z < al.dims[2]) out[at] = src[x + al.dims[0] * (y + al.dims[1] * z)];
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  const dims = (arg('dims') ?? '512,512,300').split(',').map(Number) as Vec3;
  const a = readNifti(readFileSync('public/demo/ct.nii.gz'), 'ct.nii.gz');
  const al = readNifti(readFileSync('public/demo/labels-organs4.nii.gz'), 'labels.nii.gz');
  const spacing = [0, 1, 2].map((i) => (a.dims[i] * a.spacing[i]) / dims[i]) as Vec3;
  const ct = resampledPatientA(a, dims, spacing);
  const l = resampledLabels(al, dims, spacing);
  const stats = timed(() => organStatistics(l, ct.data, ct.dims, ct.affine, { 1: 'spleen', 2: 'kidney_right', 3: 'kidney_left', 4: 'liver' }, { scale: ct.scale }));
  const formats: Record<string, unknown>[] = [];
  for (const [name, write, read] of [
    ['nifti .nii.gz', (v: typeof ct) => writeNifti(v, { gzip: true }), (b: Uint8Array) => readNifti(b, 'x.nii.gz')],
    ['nrrd gzip', (v: typeof ct) => writeNrrd(v, { gzip: true }), (b: Uint8Array) => readNrrd(b, 'x.nrrd')],
    ['nrrd raw', (v: typeof ct) => writeNrrd(v, { gzip: false }), (b: Uint8Array) => readNrrd(b, 'x.nrrd')],
    ['mha zlib', (v: typeof ct) => writeMetaImage(v, { compress: true }), (b: Uint8Array) => readMetaImage(b, 'x.mha')],
    ['mha raw', (v: typeof ct) => writeMetaImage(v, { compress: false }), (b: Uint8Array) => readMetaImage(b, 'x.mha')],
  ] as const) {
    const w = timed(() => write(ct));
    const r = timed(() => read(w.value));
    const files = timed(() => readVolumeFiles([{ name: 'x', bytes: w.value }]));
    await files.value;
    formats.push({ format: name, bytes: w.value.length, writeMs: w.ms, readMs: r.ms, same: r.value.data.length === ct.data.length && r.value.data[12345] === ct.data[12345] });
  }
  const out = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), platform: platform(), node: process.version, note: '2 cores shared with other sessions; wall clock, one run each' },
    scan: { dims, spacing, type: ct.data.constructor.name },
    statistics: { ms: stats.ms, organs: stats.value.length, voxelsPerSecond: Math.round((dims[0] * dims[1] * dims[2]) / (stats.ms / 1000)) },
    formats,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/formats-statistics.json', JSON.stringify(out, null, 2) + '\n');
  console.log(JSON.stringify(out, null, 2));
}

void main();
