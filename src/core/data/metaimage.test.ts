/**
 * MetaImage: round trips through writeMetaImage → readVolumeFiles (voxels, spacing, affine exact, zlib on
 * and off), ITK's LPS frame and TransformMatrix order (checked against patient B's DICOM), `.mhd` headers
 * paired with `.raw` / `.zraw` data files, and bad input refused with a sentence.
 */
import dicomParser from 'dicom-parser';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isWorkbenchError, type WorkbenchErrorCode } from '../errors';
import { readDicomSeries } from './dicom-series';
import { metaImageHeaderText, writeMetaImage } from './metaimage-write';
import { readMetaImage } from './metaimage-read';
import { readNifti } from './nifti-read';
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
  const e = caught as Error & { code: string };
  expect(e.code).toBe(code);
  for (const re of says) expect(e.message).toMatch(re);
}

function expectSameVolume(a: Volume, b: Volume, tol?: number): void {
  expect(b.dims).toEqual(a.dims);
  if (tol === undefined) expect(Array.from(b.affine)).toEqual(Array.from(a.affine));
  else Array.from(b.affine).forEach((x, i) => expect(x).toBeCloseTo(a.affine[i], tol));
  expect(b.data.constructor).toBe(a.data.constructor);
  expect(Array.from(b.data)).toEqual(Array.from(a.data));
}

const dims: [number, number, number] = [5, 4, 3];

describe('writeMetaImage → readMetaImage round trips', () => {
  const cases: [string, Volume][] = [
    ['int16, oblique, anisotropic', makeVolume(dims, obliqueAffine([0.7, 1.3, 2.5], [-120.5, 33.25, 410], 30, -20), (n) => new Int16Array(n), (i) => i * 37 - 1000)],
    ['uint8 labels, flipped i and k', makeVolume(dims, obliqueAffine([1, 1, 3], [10, -20, 30], 0, 0, [-1, 1, -1]), (n) => new Uint8Array(n), (i) => i % 5)],
    ['float32', makeVolume(dims, obliqueAffine([0.5, 0.5, 0.5], [0, 0, 0], 90, 0), (n) => new Float32Array(n), (i) => i / 7 - 3)],
    ['float64', makeVolume(dims, obliqueAffine([2, 2, 2], [1e-3, 1e3, -7], 12, 77), (n) => new Float64Array(n), (i) => Math.PI * i)],
    ['uint16 and int32', makeVolume(dims, obliqueAffine([1, 2, 3], [0, 0, 0], 45, 45), (n) => new Int32Array(n), (i) => (i - 30) * 100000)],
  ];
  for (const [name, v] of cases) {
    for (const compress of [true, false]) {
      it(`${name}, ${compress ? 'zlib' : 'uncompressed'}: same voxels, type and affine`, async () => {
        const bytes = writeMetaImage(v, { compress });
        expect(sniff(bytes).kind).toBe('metaimage');
        const back = await readVolumeFiles([{ name: 'x.mha', bytes }]);
        // TransformMatrix holds unit vectors and ElementSpacing their lengths: the product may differ in the last bit.
        expectSameVolume(v, back, 12);
        expect(back.warnings ?? []).toEqual([]);
      });
    }
  }

  it('axis-aligned grids come back exactly, and the header says CompressedDataSize', () => {
    const v = makeVolume(dims, obliqueAffine([0.75, 0.75, 2.5], [-200.125, 10, 55], 0, 0, [-1, 1, 1]), (n) => new Int16Array(n), (i) => i);
    const bytes = writeMetaImage(v);
    expectSameVolume(v, readMetaImage(bytes, 'x.mha'));
    const size = Number(/CompressedDataSize = (\d+)/.exec(new TextDecoder().decode(bytes.subarray(0, 600)))![1]);
    expect(bytes.length - metaImageHeaderText(v, 'int16', size).length).toBe(size);
  });

  it('patient A through MetaImage gives the NIfTI reader\'s voxels and affine', () => {
    const ct = readNifti(repoFile('public/demo/ct.nii.gz'), 'ct.nii.gz');
    expectSameVolume(ct, readMetaImage(writeMetaImage(ct), 'ct.mha'), 9);
  });
});

const mha = (fields: string[], data: Uint8Array) =>
  textThenBytes(['ObjectType = Image', 'NDims = 3', 'DimSize = 2 2 2', 'ElementType = MET_SHORT', ...fields, 'ElementDataFile = LOCAL', ''], data);
const eight = int16Bytes([1, 2, 3, 4, 5, 6, 7, 8]);

describe('MetaImage world frame (ITK: LPS) → RAS', () => {
  it('Offset and identity TransformMatrix: x and y negated', () => {
    const v = readMetaImage(mha(['ElementSpacing = 1 2 3', 'Offset = 10 20 30', 'TransformMatrix = 1 0 0 0 1 0 0 0 1'], eight), 'a.mha');
    expect(Array.from(v.affine)).toEqual([-1, 0, 0, -10, 0, -2, 0, -20, 0, 0, 3, 30, 0, 0, 0, 1]);
  });
  it('TransformMatrix lists each voxel axis in turn: "0 1 0  -1 0 0  0 0 1" puts i along LPS +y and j along LPS −x', () => {
    const v = readMetaImage(mha(['ElementSpacing = 2 3 4', 'Offset = 0 0 0', 'TransformMatrix = 0 1 0 -1 0 0 0 0 1'], eight), 'r.mha');
    // Column i (RAS) = (0, −2, 0): LPS +y is RAS −y; column j = (3, 0, 0): LPS −x is RAS +x.
    expect([v.affine[0], v.affine[4], v.affine[8]]).toEqual([0, -2, 0]);
    expect([v.affine[1], v.affine[5], v.affine[9]]).toEqual([3, 0, 0]);
  });
  it('the writer\'s Offset and TransformMatrix agree with patient B\'s DICOM (ImagePositionPatient, ImageOrientationPatient)', async () => {
    const files = repoFolder('test-data/ct-abdomen-b/dicom');
    const v = await readDicomSeries(files);
    const text = metaImageHeaderText(v, 'int16', undefined);
    const field = (k: string) => new RegExp(`${k} = (.*)`).exec(text)![1].split(' ').map(Number);
    const slices = files.map((f) => dicomParser.parseDicom(new Uint8Array(f.bytes), { untilTag: 'x7fe00010' }));
    const offset = field('Offset');
    expect(slices.some((ds) => ds.string('x00200032')!.split('\\').map(Number).every((x, a) => Math.abs(x - offset[a]) < 1e-3))).toBe(true);
    const iop = slices[0].string('x00200037')!.split('\\').map(Number);
    const tm = field('TransformMatrix');
    for (let a = 0; a < 6; a++) expect(tm[a]).toBeCloseTo(iop[a], 6);
    expect(field('ElementSpacing').slice(0, 2).map((x) => +x.toFixed(6))).toEqual([0.976563, 0.976563]);
  });
  it('no ElementSpacing: 1 mm with a warning; DistanceUnits = cm converted; 4-D with one volume; big endian', () => {
    const v = readMetaImage(mha(['Offset = 0 0 0'], eight), 'n.mha');
    expect(v.spacing).toEqual([1, 1, 1]);
    expect(v.warnings).toEqual(['n.mha has no ElementSpacing; 1 mm voxels were assumed.']);
    const cm = readMetaImage(mha(['ElementSpacing = 0.1 0.1 0.2', 'DistanceUnits = cm'], eight), 'cm.mha');
    expect(cm.spacing.map((x) => +x.toFixed(9))).toEqual([1, 1, 2]);
    const four = textThenBytes(['ObjectType = Image', 'NDims = 4', 'DimSize = 2 2 2 1', 'ElementSpacing = 1 1 1 1', 'ElementType = MET_SHORT', 'ElementDataFile = LOCAL', ''], eight);
    expect(readMetaImage(four, 'f.mha').dims).toEqual([2, 2, 2]);
    const big = mha(['ElementSpacing = 1 1 1', 'BinaryDataByteOrderMSB = True'], int16Bytes([1, 2, 3, 4, 5, 6, 7, -8], false));
    expect(Array.from(readMetaImage(big, 'b.mha').data)).toEqual([1, 2, 3, 4, 5, 6, 7, -8]);
    // No Offset and no TransformMatrix: origin 0, axes along LPS, nothing to warn about.
    expect(readMetaImage(big, 'b.mha').warnings).toBeUndefined();
    expect(Array.from(readMetaImage(big, 'b.mha').affine)).toEqual([-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const text = mha(['ElementSpacing = 1 1 1', 'BinaryData = False'], new TextEncoder().encode('1 2 3 4\n5 6 7 -8\n'));
    expect(Array.from(readMetaImage(text, 't.mha').data)).toEqual([1, 2, 3, 4, 5, 6, 7, -8]);
  });
});

describe('.mhd headers with .raw / .zraw data files', () => {
  const mhd = (file: string, extra: string[] = []) =>
    textThenBytes(['ObjectType = Image', 'NDims = 3', 'DimSize = 2 2 2', 'ElementSpacing = 1 1 1', 'ElementType = MET_SHORT', ...extra, `ElementDataFile = ${file}`, '']);
  it('pairs the header with .raw and with .zraw (CompressedData), in any order, folders ignored', async () => {
    const raw = await readVolumeFiles([{ name: 'scan/ct.raw', bytes: eight }, { name: 'scan/ct.mhd', bytes: mhd('ct.raw') }]);
    expect(Array.from(raw.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const z = await readVolumeFiles([{ name: 'ct.mhd', bytes: mhd('ct.zraw', ['CompressedData = True']) }, { name: 'ct.zraw', bytes: zlibSync(eight) }]);
    expect(Array.from(z.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('HeaderSize skips bytes before the voxels (−1: they are at the end)', async () => {
    const data = textThenBytes(['junk'], eight);
    const a = await readVolumeFiles([{ name: 'ct.mhd', bytes: mhd('ct.raw', ['HeaderSize = 4']) }, { name: 'ct.raw', bytes: data }]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const b = await readVolumeFiles([{ name: 'ct.mhd', bytes: mhd('ct.raw', ['HeaderSize = -1']) }, { name: 'ct.raw', bytes: data }]);
    expect(Array.from(b.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('refuses a header whose data file is missing, and several data files', async () => {
    await rejects([{ name: 'ct.mhd', bytes: mhd('ct.raw') }, { name: 'ct.zraw', bytes: eight }], 'bad-metaimage', [/^ct\.mhd is a detached header: expected its voxels in "ct\.raw" beside it, found only ct\.zraw/]);
    await rejects([{ name: 'ct.mhd', bytes: mhd('slice%03d.raw 1 2 1') }], 'bad-metaimage', [/several files/]);
  });
});

describe('bad MetaImage input', () => {
  const cases: [string, Uint8Array, WorkbenchErrorCode, RegExp][] = [
    ['truncated voxels', mha(['ElementSpacing = 1 1 1'], eight.subarray(0, 10)), 'bad-metaimage', /^t\.mha is truncated: the header promises 8 int16 voxels \(16 bytes\) but only 10 bytes follow/],
    ['truncated zlib voxels', mha(['CompressedData = True'], zlibSync(eight).subarray(0, 9)), 'truncated-gzip', /^t\.mha is truncated: its compressed voxels \(zlib\) end early after 9 bytes\. The file was probably cut short/],
    ['a damaged zlib checksum', mha(['CompressedData = True'], zlibSync(eight).map((b, i, a) => (i === a.length - 1 ? b ^ 1 : b))), 'truncated-gzip', /Adler-32/],
    ['DimSize of the wrong length', textThenBytes(['ObjectType = Image', 'NDims = 3', 'DimSize = 2 2', 'ElementType = MET_SHORT', 'ElementDataFile = LOCAL', ''], eight), 'bad-metaimage', /has DimSize = 2 2; expected 3 numbers/],
    ['an unknown ElementType', mha(['ElementType = MET_FLOAT_MATRIX'], eight), 'bad-metaimage', /^t\.mha stores voxels as MET_FLOAT_MATRIX; expected a scalar type/],
    ['several channels', mha(['ElementNumberOfChannels = 3'], eight), 'bad-dimensions', /3 channels per voxel/],
    ['a 2-D image', textThenBytes(['ObjectType = Image', 'NDims = 2', 'DimSize = 4 2', 'ElementType = MET_SHORT', 'ElementDataFile = LOCAL', ''], eight), 'bad-dimensions', /is 4×2×1: a single 2-D slice/],
    ['another MetaIO object', textThenBytes(['ObjectType = Tube', 'NDims = 3', 'ElementDataFile = LOCAL', ''], eight), 'bad-metaimage', /is a MetaIO Tube object; expected ObjectType = Image/],
    ['a header that never names its data', textThenBytes(['ObjectType = Image', 'NDims = 3', 'DimSize = 2 2 2', 'ElementType = MET_SHORT', '']), 'bad-metaimage', /has no ElementDataFile line/],
    ['a singular TransformMatrix', mha(['TransformMatrix = 1 0 0 1 0 0 0 0 1'], eight), 'bad-metaimage', /do not span space/],
  ];
  for (const [name, bytes, code, re] of cases) {
    it(`refuses ${name}`, async () => {
      await rejects([{ name: 't.mha', bytes }], code, [re]);
    });
  }
  it('is recognised by content (not by name) and described in words', () => {
    const b = mha([], eight);
    expect(sniff(b).kind).toBe('metaimage');
    expect(describeContent(b)).toBe('a MetaImage (.mha/.mhd) header');
    expect(sniff(new TextEncoder().encode('1 spleen\n2 liver\n')).kind).toBe('unknown');
    expect(sniff(new TextEncoder().encode('Name = x\nValue = 3\n')).kind).toBe('unknown');
  });
});
