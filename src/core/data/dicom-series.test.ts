import { describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../errors';
import { applyAffine } from './affine';
import { readDicomSeries } from './dicom-series';
import { readNifti } from './nifti-read';
import { countDifferences, indexMap } from './testing/compare-grids';
import { repoFile, repoFolder } from './testing/repo-files';
import { makeDicom, type DicomFixture } from './testing/make-dicom';

describe('readDicomSeries on patient B (20 JPEG 2000 slices)', async () => {
  const files = repoFolder('test-data/ct-abdomen-b/dicom');
  const t0 = performance.now();
  const v = await readDicomSeries(files);
  const ms = performance.now() - t0;
  const ref = readNifti(repoFile('test-data/ct-abdomen-b/ct.nii.gz'), 'ct.nii.gz');

  it('has the dims, spacing and rescale of the series', () => {
    console.log(`readDicomSeries: 20 JPEG 2000 slices of 512×512 in ${ms.toFixed(0)} ms`);
    expect(v.dims).toEqual([512, 512, 20]);
    expect(v.spacing.map((x) => +x.toFixed(6))).toEqual([0.976563, 0.976563, 2]);
    expect(v.scale).toEqual({ slope: 1, inter: -1024 });
    expect(v.description).toBe('CT Body 3.0');
  });

  it('places every corner voxel where dcm2niix put it (world coordinates through the affines)', () => {
    const m = indexMap(v, ref); // throws unless the grids align voxel for voxel
    for (const [i, j, k] of [[0, 0, 0], [511, 0, 0], [0, 511, 0], [0, 0, 19], [511, 511, 19]]) {
      const p = applyAffine(v.affine, i, j, k);
      const r = [0, 1, 2].map((a) => m[a * 4] * i + m[a * 4 + 1] * j + m[a * 4 + 2] * k + m[a * 4 + 3]);
      const q = applyAffine(ref.affine, r[0], r[1], r[2]);
      for (let a = 0; a < 3; a++) expect(p[a]).toBeCloseTo(q[a], 3);
    }
  });

  it('has the same real voxel values (HU) as the NIfTI from dcm2niix at every voxel', () => {
    const realA = (i: number) => v.data[i] * v.scale.slope + v.scale.inter;
    const realB = (i: number) => ref.data[i] * ref.scale.slope + ref.scale.inter;
    expect(countDifferences(v, ref, realA, realB)).toBe(0);
    let nonzero = 0;
    for (let i = 0; i < v.data.length; i += 97) if (v.data[i] !== 0) nonzero++;
    expect(nonzero).toBeGreaterThan(1000);
  });

  it('does not depend on the order of the files', async () => {
    const shuffled = [...files].reverse();
    shuffled.push(shuffled.shift()!);
    const w = await readDicomSeries(shuffled);
    expect(Array.from(w.affine)).toEqual(Array.from(v.affine));
    expect(w.data[300000]).toBe(v.data[300000]);
  });

  it('refuses a single slice with a clear error', async () => {
    await expect(readDicomSeries(files.slice(0, 1))).rejects.toSatisfy(
      (e: unknown) => isWorkbenchError(e, 'bad-dimensions') && /CT\..*\.dcm is a single 512×512 DICOM slice, not a 3-D scan/.test((e as Error).message),
    );
  });

  it('reports a missing slice in the middle', async () => {
    const gap = files.filter((_, i) => i !== 7);
    await expect(readDicomSeries(gap)).rejects.toThrow(/not evenly spaced.*4\.000 mm apart but most slices are 2\.000 mm apart/);
  });
});

/** A synthetic series with known geometry: slice k at origin + k·step·(row × col). */
function series(opts: {
  nx: number; ny: number; nz: number; row: number[]; col: number[]; spacing: [number, number]; step: number;
  origin: [number, number, number]; value: (i: number, j: number, k: number) => number; perSlice?: (k: number) => Partial<DicomFixture>;
  transferSyntax?: string;
}) {
  const n = [opts.row[1] * opts.col[2] - opts.row[2] * opts.col[1], opts.row[2] * opts.col[0] - opts.row[0] * opts.col[2], opts.row[0] * opts.col[1] - opts.row[1] * opts.col[0]];
  const files = [];
  for (let k = 0; k < opts.nz; k++) {
    const pixels: number[] = [];
    for (let j = 0; j < opts.ny; j++) for (let i = 0; i < opts.nx; i++) pixels.push(opts.value(i, j, k));
    const position = opts.origin.map((o, a) => o + k * opts.step * n[a]) as [number, number, number];
    const bytes = makeDicom({
      rows: opts.ny, cols: opts.nx, pixels, position, orientation: [...opts.row, ...opts.col], pixelSpacing: opts.spacing,
      signed: true, transferSyntax: opts.transferSyntax, ...opts.perSlice?.(k),
    });
    files.push({ name: `s${k}.dcm`, bytes: bytes.buffer as ArrayBuffer });
  }
  // Deterministic shuffle: the reader must sort by position, not by name or order.
  return files.map((f, i) => ({ f, key: (i * 7919) % 13 })).sort((a, b) => a.key - b.key).map((x) => x.f);
}

describe('readDicomSeries geometry on synthetic oblique series', () => {
  const c30 = Math.cos(Math.PI / 6);
  const s30 = Math.sin(Math.PI / 6);
  const opts = {
    nx: 5, ny: 4, nz: 6, row: [c30, s30, 0], col: [0, 0, -1], spacing: [0.8, 0.6] as [number, number], step: 2.5,
    origin: [10, -20, 30] as [number, number, number], value: (i: number, j: number, k: number) => i + 10 * j + 100 * k,
  };

  it('maps voxel (i, j, k) to IPP + i·Δcol·row + j·Δrow·col + k·step·normal, converted LPS → RAS', async () => {
    const v = await readDicomSeries(series(opts));
    expect(v.dims).toEqual([5, 4, 6]);
    const n = [opts.row[1] * opts.col[2] - opts.row[2] * opts.col[1], opts.row[2] * opts.col[0] - opts.row[0] * opts.col[2], opts.row[0] * opts.col[1] - opts.row[1] * opts.col[0]];
    for (const [i, j, k] of [[0, 0, 0], [4, 0, 0], [0, 3, 0], [0, 0, 5], [4, 3, 5], [2, 1, 3]]) {
      const lps = [0, 1, 2].map((a) => opts.origin[a] + i * 0.6 * opts.row[a] + j * 0.8 * opts.col[a] + k * 2.5 * n[a]);
      const ras = [-lps[0], -lps[1], lps[2]];
      const got = applyAffine(v.affine, i, j, k);
      for (let a = 0; a < 3; a++) expect(got[a]).toBeCloseTo(ras[a], 9);
      expect(v.data[i + 5 * (j + 4 * k)]).toBe(opts.value(i, j, k));
    }
    expect(v.spacing.map((x) => +x.toFixed(9))).toEqual([0.6, 0.8, 2.5]);
  });

  it('sorts slices whose positions run against the normal', async () => {
    const v = await readDicomSeries(series({ ...opts, step: -2.5 }));
    // Sorted along +normal, so slice 0 of the volume is the last one written.
    expect(v.data[0]).toBe(opts.value(0, 0, 5));
    const p = applyAffine(v.affine, 0, 0, 1);
    const q = applyAffine(v.affine, 0, 0, 0);
    expect(Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2])).toBeCloseTo(2.5, 9);
  });

  it('keeps a shared rescale in scale, and applies per-slice rescales into float32 values', async () => {
    const same = await readDicomSeries(series({ ...opts, perSlice: () => ({ slope: 2, inter: -1024 }) }));
    expect(same.scale).toEqual({ slope: 2, inter: -1024 });
    expect(same.data).toBeInstanceOf(Int16Array);
    const varying = await readDicomSeries(series({ ...opts, perSlice: (k) => ({ slope: 1 + k, inter: -k }) }));
    expect(varying.data).toBeInstanceOf(Float32Array);
    expect(varying.scale).toEqual({ slope: 1, inter: 0 });
    expect(varying.data[2 + 5 * (1 + 4 * 3)]).toBe(opts.value(2, 1, 3) * 4 - 3);
  });

  it('reads the largest series when files of two series are mixed, and says so', async () => {
    const other = series({ ...opts, nz: 2, perSlice: () => ({ seriesUid: '9.9.9', description: 'scout' }) }).map((f) => ({ ...f, name: `scout-${f.name}` }));
    const v = await readDicomSeries([...series(opts), ...other]);
    expect(v.dims).toEqual([5, 4, 6]);
    expect(v.description).toMatch(/6 of 8 images; 2 from other series left out/);
  });

  it('works the same with RLE and big-endian slices', async () => {
    const ref = await readDicomSeries(series(opts));
    for (const ts of ['1.2.840.10008.1.2.5', '1.2.840.10008.1.2.2']) {
      const v = await readDicomSeries(series({ ...opts, transferSyntax: ts }));
      expect(Array.from(v.data)).toEqual(Array.from(ref.data));
    }
  });

  it('refuses two slices at the same position', async () => {
    const files = series(opts);
    await expect(readDicomSeries([...files, { ...files[0], name: 'copy.dcm' }])).rejects.toThrow(/are at the same position .* more than one acquisition/);
  });
});
