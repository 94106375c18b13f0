/**
 * NRRD: round trips through writeNrrd → readVolumeFiles (voxels, spacing, affine exact, gzip on and off),
 * the world frames (LPS/RAS/LAS signs, checked against DICOM's own LPS positions), detached headers paired
 * with their data files by name, and bad input refused with a sentence.
 */
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { isWorkbenchError, type WorkbenchErrorCode } from '../errors';
import { readDicomSeries } from './dicom-series';
import { readNifti } from './nifti-read';
import { readNrrd } from './nrrd-read';
import { nrrdHeaderText, writeNrrd } from './nrrd-write';
import { readVolumeFiles, type InputFile } from './read-files';
import { describeContent, sniff } from './sniff';
import { int16Bytes, makeVolume, obliqueAffine, textThenBytes } from './testing/make-volume';
import { repoFile, repoFolder } from './testing/repo-files';
import type { Volume } from './volume';

async function rejects(files: InputFile[], code: WorkbenchErrorCode, says: RegExp[]): Promise<void> {
  let caught: unknown;
  try {
    await readVolumeFiles(files);
  } catch (e) {
    caught = e;
  }
  expect(isWorkbenchError(caught), `expected a WorkbenchError, got ${String(caught)}`).toBe(true);
  const e = caught as Error & { code: string; file?: string };
  expect(e.code).toBe(code);
  for (const re of says) expect(e.message).toMatch(re);
}

function expectSameVolume(a: Volume, b: Volume): void {
  expect(b.dims).toEqual(a.dims);
  expect(Array.from(b.affine)).toEqual(Array.from(a.affine));
  expect(b.spacing).toEqual(a.spacing);
  expect(b.data.constructor).toBe(a.data.constructor);
  expect(Array.from(b.data)).toEqual(Array.from(a.data));
}

const dims: [number, number, number] = [5, 4, 3];

describe('writeNrrd → readNrrd round trips', () => {
  const cases: [string, Volume][] = [
    ['int16, oblique (30° about z, −20° about x), anisotropic', makeVolume(dims, obliqueAffine([0.7, 1.3, 2.5], [-120.5, 33.25, 410], 30, -20), (n) => new Int16Array(n), (i) => i * 37 - 1000)],
    ['uint8 labels, flipped i and k (a left-handed grid)', makeVolume(dims, obliqueAffine([1, 1, 3], [10, -20, 30], 0, 0, [-1, 1, -1]), (n) => new Uint8Array(n), (i) => i % 5)],
    ['float32 with fractions', makeVolume(dims, obliqueAffine([0.5, 0.5, 0.5], [0, 0, 0], 90, 0), (n) => new Float32Array(n), (i) => i / 7 - 3)],
    ['float64, uint16, int32 too', makeVolume(dims, obliqueAffine([2, 2, 2], [1e-3, 1e3, -7], 12, 77), (n) => new Float64Array(n), (i) => Math.PI * i)],
    ['uint16', makeVolume(dims, obliqueAffine([1, 2, 3], [0, 0, 0], 0, 0), (n) => new Uint16Array(n), (i) => 65535 - i)],
    ['int32', makeVolume(dims, obliqueAffine([1, 2, 3], [0, 0, 0], 45, 45), (n) => new Int32Array(n), (i) => (i - 30) * 100000)],
  ];
  for (const [name, v] of cases) {
    for (const gz of [true, false]) {
      it(`${name}, ${gz ? 'gzip' : 'raw'}: same voxels, type, spacing and affine (exact)`, async () => {
        const bytes = writeNrrd(v, { gzip: gz });
        expect(sniff(bytes).kind).toBe('nrrd');
        const back = await readVolumeFiles([{ name: 'x.nrrd', bytes }]);
        expectSameVolume(v, back);
        expect(back.warnings ?? []).toEqual([]);
      });
    }
  }

  it('gzip makes a compressible volume smaller and raw is header + 2 bytes a voxel', () => {
    const v = cases[0][1];
    const raw = writeNrrd(v, { gzip: false });
    expect(raw.length).toBe(nrrdHeaderText(v, 'int16', false).length + 2 * 60);
    const zeros = makeVolume([40, 40, 40], obliqueAffine([1, 1, 1], [0, 0, 0], 0, 0), (n) => new Int16Array(n), () => 0);
    expect(writeNrrd(zeros).length).toBeLessThan(writeNrrd(zeros, { gzip: false }).length / 50);
  });

  it('a rescaled volume (stored + −1024) is written as its real values, int16', async () => {
    const v = makeVolume(dims, obliqueAffine([1, 1, 1], [0, 0, 0], 0, 0), (n) => new Uint16Array(n), (i) => i * 20, { scale: { slope: 1, inter: -1024 } });
    const back = readNrrd(writeNrrd(v), 'x.nrrd');
    expect(back.data).toBeInstanceOf(Int16Array);
    expect(Array.from(back.data)).toEqual(Array.from(v.data, (x) => x - 1024));
    const frac = { ...v, scale: { slope: 1, inter: 0.5 } };
    const f = readNrrd(writeNrrd(frac), 'x.nrrd');
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(f.data[3]).toBe(60.5);
  });

  it('patient A through NRRD gives the NIfTI reader\'s voxels and affine', async () => {
    const ct = readNifti(repoFile('public/demo/ct.nii.gz'), 'ct.nii.gz');
    const back = await readVolumeFiles([{ name: 'ct.nrrd', bytes: writeNrrd(ct) }]);
    expectSameVolume(ct, back);
  });
});

const header = (fields: string[], data: Uint8Array, encoding = 'raw') =>
  textThenBytes(['NRRD0004', 'type: short', 'dimension: 3', 'sizes: 2 2 2', `encoding: ${encoding}`, 'endian: little', ...fields, '', ''], data);
const eight = int16Bytes([1, 2, 3, 4, 5, 6, 7, 8]);

describe('NRRD world frames → RAS', () => {
  const dirs = ['space directions: (1,0,0) (0,2,0) (0,0,3)', 'space origin: (10,20,30)'];
  it('left-posterior-superior: x and y negated, z kept (directions and origin)', () => {
    const v = readNrrd(header(['space: left-posterior-superior', ...dirs], eight), 'lps.nrrd');
    expect(Array.from(v.affine)).toEqual([-1, 0, 0, -10, 0, -2, 0, -20, 0, 0, 3, 30, 0, 0, 0, 1]);
    expect(v.spacing).toEqual([1, 2, 3]);
  });
  it('right-anterior-superior: as written; left-anterior-superior: x negated; scanner-xyz as LPS', () => {
    expect(Array.from(readNrrd(header(['space: RAS', ...dirs], eight), 'ras.nrrd').affine)).toEqual([1, 0, 0, 10, 0, 2, 0, 20, 0, 0, 3, 30, 0, 0, 0, 1]);
    expect(Array.from(readNrrd(header(['space: left-anterior-superior', ...dirs], eight), 'las.nrrd').affine).slice(0, 4)).toEqual([-1, 0, 0, -10]);
    expect(Array.from(readNrrd(header(['space: scanner-xyz', ...dirs], eight), 'sc.nrrd').affine).slice(4, 8)).toEqual([0, -2, 0, -20]);
  });
  it('an oblique LPS grid: voxel (1, 1, 1) lands at the negated x, y of origin + the three directions', () => {
    const v = readNrrd(header(['space: left-posterior-superior', 'space directions: (0.6,0.8,0) (-0.8,0.6,0) (0,0,2.5)', 'space origin: (-5.5,7.25,100)'], eight), 'o.nrrd');
    const p = [0, 1, 2].map((r) => v.affine[r * 4] + v.affine[r * 4 + 1] + v.affine[r * 4 + 2] + v.affine[r * 4 + 3]);
    const lps = [-5.5 + 0.6 - 0.8, 7.25 + 0.8 + 0.6, 100 + 2.5];
    p.forEach((x, r) => expect(x).toBeCloseTo(r < 2 ? -lps[r] : lps[r], 12));
  });
  it('the writer\'s LPS agrees with DICOM\'s: patient B\'s NRRD origin is the first slice\'s ImagePositionPatient', async () => {
    const files = repoFolder('test-data/ct-abdomen-b/dicom');
    const v = await readDicomSeries(files);
    const text = nrrdHeaderText(v, 'int16', true);
    const origin = /space origin: \(([^)]*)\)/.exec(text)![1].split(',').map(Number);
    const dirs = [...text.matchAll(/\(([^)]*)\)/g)].slice(0, 3).map((m) => m[1].split(',').map(Number));
    // Independently of our reader: every slice's position and orientation, as dicom-parser reads them (LPS).
    const slices = files.map((f) => dicomParser.parseDicom(new Uint8Array(f.bytes), { untilTag: 'x7fe00010' }));
    const ipp = slices.map((ds) => ds.string('x00200032')!.split('\\').map(Number));
    const first = ipp.find((p) => p.every((x, a) => Math.abs(x - origin[a]) < 1e-3));
    expect(first, `space origin ${origin} is no slice's ImagePositionPatient`).toBeDefined();
    const iop = slices[0].string('x00200037')!.split('\\').map(Number);
    const ps = slices[0].string('x00280030')!.split('\\').map(Number);
    // Axis i runs along the row direction (IOP 1–3) by the column spacing; axis j along the column direction.
    dirs[0].forEach((x, a) => expect(x).toBeCloseTo(iop[a] * ps[1], 6));
    dirs[1].forEach((x, a) => expect(x).toBeCloseTo(iop[3 + a] * ps[0], 6));
    // …and through readNrrd it is the same RAS volume as the NIfTI dcm2niix made of it.
    const back = readNrrd(writeNrrd(v), 'b.nrrd');
    expect(Array.from(back.affine).map((x) => +x.toFixed(4))).toEqual(Array.from(v.affine).map((x) => +x.toFixed(4)));
  });
  it('no space: spacings on axis-aligned voxels, with a warning that the orientation is unknown', () => {
    const v = readNrrd(textThenBytes(['NRRD0001', 'type: short', 'dimension: 3', 'sizes: 2 2 2', 'spacings: 0.5 0.5 2', 'encoding: raw', 'endian: little', '', ''], eight), 'p.nrrd');
    expect(v.spacing).toEqual([0.5, 0.5, 2]);
    expect(v.warnings?.join(' ')).toMatch(/^p\.nrrd has no space or space directions, so its orientation is unknown; it is shown as if its axes were right, anterior, superior\.$/);
    const none = readNrrd(textThenBytes(['NRRD0001', 'type: short', 'dimension: 3', 'sizes: 2 2 2', 'encoding: raw', 'endian: little', '', ''], eight), 'n.nrrd');
    expect(none.spacing).toEqual([1, 1, 1]);
    expect(none.warnings?.join(' ')).toMatch(/1 mm voxels were assumed along i, j, k/);
  });
  it('warns where it assumes: a frame without anatomy, a space dimension alone, no origin, metres, no endian', () => {
    const d3 = 'space directions: (1,0,0) (0,1,0) (0,0,1)';
    const cases: [string[], RegExp][] = [
      [['space: 3D-right-handed', d3, 'space origin: (0,0,0)'], /has space "3D-right-handed", which says nothing about the patient's axes; it was taken as left-posterior-superior/],
      [['space dimension: 3', d3, 'space origin: (0,0,0)'], /has a space dimension but no named space.*taken as left-posterior-superior/],
      [['space: RAS', d3], /has no space origin; the first voxel was placed at \(0, 0, 0\) mm/],
      [['space: RAS', 'space directions: (0.001,0,0) (0,0.001,0) (0,0,0.002)', 'space origin: (0,0,0)', 'space units: "m" "m" "m"'], /gives its space units as m; its geometry was converted to mm/],
    ];
    for (const [fields, re] of cases) expect(readNrrd(header(fields, eight), 'w.nrrd').warnings?.join(' ')).toMatch(re);
    expect(readNrrd(header(['space: RAS', 'space directions: (0.001,0,0) (0,0.001,0) (0,0,0.002)', 'space origin: (0,0,0)', 'space units: "m" "m" "m"'], eight), 'm.nrrd').spacing).toEqual([1, 1, 2]);
    const noEndian = textThenBytes(['NRRD0004', 'type: short', 'dimension: 3', 'sizes: 2 2 2', 'encoding: raw', 'space: RAS', d3, 'space origin: (0,0,0)', '', ''], eight);
    const v = readNrrd(noEndian, 'e.nrrd');
    expect(v.warnings).toEqual(['e.nrrd has no "endian" field for its 2-byte voxels; little endian was assumed.']);
    expect(Array.from(v.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('a leading axis of size 1 (kinds: scalar) and text, big-endian and CRLF headers read the same voxels', () => {
    const lines = ['NRRD0005', 'type: int16', 'dimension: 4', 'sizes: 1 2 2 2', 'space: RAS', 'space directions: none (1,0,0) (0,1,0) (0,0,1)', 'encoding: ascii', '', '1 2 3 4\n5 6 7 8\n'];
    expect(Array.from(readNrrd(textThenBytes(lines), 't.nrrd').data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const big = textThenBytes(['NRRD0004', 'type: short', 'dimension: 3', 'sizes: 2 2 2', 'encoding: raw', 'endian: big', 'space: RAS', 'space directions: (1,0,0) (0,1,0) (0,0,1)', '', ''], int16Bytes([1, 2, 3, 4, 5, 6, 7, -8], false), '\r\n');
    expect(Array.from(readNrrd(big, 'b.nrrd').data)).toEqual([1, 2, 3, 4, 5, 6, 7, -8]);
  });
});

describe('detached NRRD headers (.nhdr + data file)', () => {
  const nhdr = (dataFile: string, extra: string[] = [], encoding = 'gzip') =>
    textThenBytes(['NRRD0004', 'type: short', 'dimension: 3', 'sizes: 2 2 2', `encoding: ${encoding}`, 'endian: little', 'space: RAS', 'space directions: (1,0,0) (0,1,0) (0,0,1)', 'space origin: (0,0,0)', `data file: ${dataFile}`, ...extra, '']);
  it('pairs the header with the file it names (in any order, folders ignored, case as a fallback), gzip data included', async () => {
    const v = await readVolumeFiles([{ name: 'case1/CT.RAW.GZ', bytes: gzipSync(eight) }, { name: 'case1/ct.nhdr', bytes: nhdr('./ct.raw.gz') }]);
    expect(Array.from(v.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(v.name).toBe('case1/ct.nhdr');
  });
  it('line skip and byte skip (and byte skip −1: the voxels at the end) of a raw data file', async () => {
    const data = textThenBytes(['a text preamble', 'of two lines', 'XYZ'], eight);
    const v = await readVolumeFiles([{ name: 'ct.nhdr', bytes: nhdr('ct.raw', ['line skip: 2', 'byte skip: 3'], 'raw') }, { name: 'ct.raw', bytes: data }]);
    expect(Array.from(v.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const end = await readVolumeFiles([{ name: 'ct.nhdr', bytes: nhdr('ct.raw', ['byte skip: -1'], 'raw') }, { name: 'ct.raw', bytes: data }]);
    expect(Array.from(end.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('refuses a header whose data file is missing, naming both and what was given', async () => {
    await rejects([{ name: 'ct.nhdr', bytes: nhdr('ct.raw.gz') }, { name: 'other.raw', bytes: eight }], 'bad-nrrd', [/^ct\.nhdr is a detached header: expected its voxels in "ct\.raw\.gz" beside it, found only other\.raw/]);
    await rejects([{ name: 'ct.nhdr', bytes: nhdr('ct.raw.gz') }], 'bad-nrrd', [/found no other file.*drop both/]);
    await rejects([{ name: 'ct.nhdr', bytes: nhdr('ct%03d.raw 1 3 1') }], 'bad-nrrd', [/several files/]);
  });
  it('refuses other files beside the pair, and two headers at once', async () => {
    await rejects([{ name: 'ct.nhdr', bytes: nhdr('ct.raw.gz') }, { name: 'ct.raw.gz', bytes: gzipSync(eight) }, { name: 'notes.bin', bytes: eight }], 'bad-argument', [/together with other files \(notes\.bin\)/]);
    await rejects([{ name: 'a.nrrd', bytes: header(['space: RAS', 'space directions: (1,0,0) (0,1,0) (0,0,1)'], eight) }, { name: 'b.nrrd', bytes: header(['space: RAS', 'space directions: (1,0,0) (0,1,0) (0,0,1)'], eight) }], 'bad-argument', [/2 NRRD\/MetaImage headers/]);
  });
});

describe('bad NRRD input', () => {
  const geo = ['space: left-posterior-superior', 'space directions: (1,0,0) (0,1,0) (0,0,1)', 'space origin: (0,0,0)'];
  const cases: [string, Uint8Array, WorkbenchErrorCode, RegExp][] = [
    ['truncated raw voxels', header(geo, eight.subarray(0, 11)), 'bad-nrrd', /^t\.nrrd is truncated: the header promises 8 int16 voxels \(16 bytes\) but only 11 bytes follow/],
    ['truncated gzip voxels', header(geo, gzipSync(eight).subarray(0, 12), 'gzip'), 'truncated-gzip', /^t\.nrrd is a truncated gzip file/],
    ['gzip of too few voxels', header(geo, gzipSync(eight.subarray(0, 8)), 'gzip'), 'bad-nrrd', /16 bytes after decompression\) but only 8 bytes follow/],
    ['bzip2 encoding', header(geo, eight, 'bzip2'), 'bad-nrrd', /has encoding "bzip2" \(bzip2: resave it with gzip or raw encoding.*expected raw, gzip or text/],
    ['unknown encoding', header(geo, eight, 'zstd'), 'bad-nrrd', /has encoding "zstd"; expected raw, gzip or text/],
    ['hex encoding', header(geo, eight, 'hex'), 'bad-nrrd', /has encoding "hex"; expected raw, gzip or text/],
    ['dimension and sizes disagree', textThenBytes(['NRRD0004', 'type: short', 'dimension: 3', 'sizes: 2 4', 'encoding: raw', '', ''], eight), 'bad-nrrd', /has dimension 3 but 2 sizes \("2 4"\); expected one size per axis/],
    ['fewer directions than axes', header(['space: RAS', 'space directions: (1,0,0) (0,1,0)'], eight), 'bad-nrrd', /2 space directions for 3 axes/],
    ['2-D image', textThenBytes(['NRRD0004', 'type: short', 'dimension: 2', 'sizes: 2 4', 'encoding: raw', 'endian: little', '', ''], eight), 'bad-dimensions', /is 2×4×1: a single 2-D slice, not a 3-D scan/],
    ['several volumes', textThenBytes(['NRRD0004', 'type: short', 'dimension: 4', 'sizes: 2 2 1 2', 'encoding: raw', 'endian: little', '', ''], eight), 'bad-dimensions', /4-D \(2×2×1×2\) with 2 volumes/],
    ['more directions than axes', header(['space: RAS', 'space directions: none (1,0,0) (0,1,0) (0,0,1)'], eight), 'bad-nrrd', /has 4 space directions for 3 axes \(sizes 2 2 2\); expected one per axis/],
    ['an unknown type', textThenBytes(['NRRD0004', 'type: block', 'dimension: 3', 'sizes: 2 2 2', 'encoding: raw', '', ''], eight), 'bad-nrrd', /stores voxels as "block"; expected a scalar type/],
    ['a 4-D space', header(['space: right-anterior-superior-time', 'space directions: (1,0,0,0) (0,1,0,0) (0,0,1,0)'], eight), 'bad-nrrd', /4-D space with time/],
    ['singular directions', header(['space: RAS', 'space directions: (1,0,0) (2,0,0) (0,0,1)'], eight), 'bad-nrrd', /do not span space/],
    ['no blank line before the voxels', textThenBytes(['NRRD0004', 'type: short', 'dimension: 3', 'sizes: 2 2 2', 'encoding: raw']), 'bad-nrrd', /ends without the blank line/],
    ['a damaged header line', textThenBytes(['NRRD0004', 'type: short', 'garbage here', '', ''], eight), 'bad-nrrd', /header line "garbage here"/],
    ['text voxels with a word', header(geo, new TextEncoder().encode('1 2 3 four 5 6 7 8'), 'text'), 'bad-nrrd', /holds "four" among its text voxels/],
  ];
  for (const [name, bytes, code, re] of cases) {
    it(`refuses ${name}`, async () => {
      await rejects([{ name: 't.nrrd', bytes }], code, [re]);
    });
  }
  it('a non-spatial axis of size 3 (a colour or vector image) is refused as several values per voxel', async () => {
    const b = textThenBytes(['NRRD0004', 'type: short', 'dimension: 4', 'sizes: 3 2 2 2', 'encoding: raw', 'endian: little', 'space: RAS', 'space directions: none (1,0,0) (0,1,0) (0,0,1)', '', ''], new Uint8Array(48));
    await rejects([{ name: 'rgb.nrrd', bytes: b }], 'bad-dimensions', [/^rgb\.nrrd has a non-spatial axis of size 3/]);
  });
  it('is recognised by content and described in words', () => {
    expect(sniff(header(geo, eight)).kind).toBe('nrrd');
    expect(describeContent(header(geo, eight))).toBe('an NRRD file');
    expect(sniff(new TextEncoder().encode('NRRDX')).kind).toBe('unknown');
  });
});
