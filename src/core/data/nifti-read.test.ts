import { describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'fflate';
import { isWorkbenchError, WorkbenchError } from '../errors';
import { readNifti } from './nifti-read';
import { makeNifti, type NiftiFixture } from './testing/make-nifti';
import { repoFile } from './testing/repo-files';
import { realRange, realValues } from './volume';

function expectError(fn: () => unknown, code: string, ...parts: (string | RegExp)[]): WorkbenchError {
  try {
    fn();
  } catch (e) {
    expect(isWorkbenchError(e)).toBe(true);
    const w = e as WorkbenchError;
    expect(w.code).toBe(code);
    for (const p of parts) expect(w.message).toMatch(p);
    return w;
  }
  throw new Error('expected a WorkbenchError');
}

const rows = (a: Float64Array) => [0, 1, 2].map((r) => Array.from(a.slice(r * 4, r * 4 + 4)));

describe('readNifti on the real scans', () => {
  it('reads patient A (int32 HU, sform) with the geometry of its header', () => {
    const v = readNifti(repoFile('public/demo/ct.nii.gz'), 'ct.nii.gz');
    expect(v.dims).toEqual([122, 101, 112]);
    expect(v.data).toBeInstanceOf(Int32Array);
    expect(v.spacing).toEqual([3, 3, 3]);
    expect(v.scale).toEqual({ slope: 1, inter: 0 });
    expect(rows(v.affine)[0]).toEqual([3, 0, 0, Math.fround(-177.956329)]);
    expect(rows(v.affine)[2]).toEqual([0, 0, 3, Math.fround(94.3017578)]);
    const r = realRange(v);
    expect(r.min).toBeLessThanOrEqual(-1000);
    expect(r.max).toBeGreaterThan(1000);
  });

  it('reads the organ labels of patient A: uint8, classes 0..4, 12,137 kidney voxels', () => {
    const v = readNifti(repoFile('public/demo/labels-organs4.nii.gz'), 'labels-organs4.nii.gz');
    expect(v.data).toBeInstanceOf(Uint8Array);
    const counts = new Array(5).fill(0);
    for (const x of v.data) counts[x]++;
    expect(counts.reduce((a, b) => a + b)).toBe(122 * 101 * 112);
    expect(counts[2] + counts[3]).toBe(12137);
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it('reads patient B (int16, scl_inter −1024, x flipped) and gets the same affine from qform as from sform', () => {
    const bytes = repoFile('test-data/ct-abdomen-b/ct.nii.gz');
    const v = readNifti(bytes, 'ct.nii.gz');
    expect(v.dims).toEqual([512, 512, 20]);
    expect(v.data).toBeInstanceOf(Int16Array);
    expect(v.scale).toEqual({ slope: 1, inter: -1024 });
    expect(v.affine[0]).toBeCloseTo(-0.9765625, 7);
    expect(realRange(v).min).toBeGreaterThanOrEqual(-1024);
    const raw = gunzipSync(bytes);
    new DataView(raw.buffer).setInt16(254, 0, true); // sform_code = 0: fall back to the qform
    const q = readNifti(raw, 'ct-qform.nii');
    for (let i = 0; i < 16; i++) expect(q.affine[i]).toBeCloseTo(v.affine[i], 4);
  });

  it('reads float64 labels (the 104-class map) and the MR', () => {
    const t = readNifti(repoFile('test-data/ct-abdomen-a-labels-totalseg-v1.nii.gz'), 'totalseg.nii.gz');
    expect(t.data).toBeInstanceOf(Float64Array);
    expect(realRange(t).max).toBeGreaterThan(90);
    const mr = readNifti(repoFile('test-data/mr-abdomen/mr.nii.gz'), 'mr.nii.gz');
    expect(mr.dims).toEqual([117, 91, 20]);
    expect(mr.affine[0]).toBe(-3);
  });
});

const TYPES: { code: number; bitpix: number; values: number[]; array: string }[] = [
  { code: 2, bitpix: 8, values: [0, 1, 200, 255], array: 'Uint8Array' },
  { code: 256, bitpix: 8, values: [-128, -1, 0, 127], array: 'Int8Array' },
  { code: 4, bitpix: 16, values: [-32768, -1024, 7, 32767], array: 'Int16Array' },
  { code: 512, bitpix: 16, values: [0, 1, 40000, 65535], array: 'Uint16Array' },
  { code: 8, bitpix: 32, values: [-2147483648, -5, 70000, 2147483647], array: 'Int32Array' },
  { code: 768, bitpix: 32, values: [0, 1, 3e9, 4294967295], array: 'Uint32Array' },
  { code: 16, bitpix: 32, values: [-1.5, 0, Math.fround(0.1), Math.fround(3.25e10)], array: 'Float32Array' },
  { code: 64, bitpix: 64, values: [-1.5, 0.1, 1e300, -0], array: 'Float64Array' },
  { code: 1024, bitpix: 64, values: [-7, 0, 123456, -2147483648], array: 'Int32Array' },
  { code: 1280, bitpix: 64, values: [0, 1, 2 ** 40, 2 ** 53 - 1], array: 'Float64Array' },
];

describe('readNifti datatypes × byte orders × versions', () => {
  for (const t of TYPES) {
    for (const version of [1, 2] as const) {
      for (const littleEndian of [true, false]) {
        it(`datatype ${t.code} (${t.array}), NIfTI-${version}, ${littleEndian ? 'little' : 'big'} endian`, () => {
          const values = [...t.values, ...t.values].map((x, i) => (i < 4 ? x : t.values[3 - (i - 4)]));
          const f: NiftiFixture = { version, littleEndian, datatype: t.code, bitpix: t.bitpix, dims: [2, 2, 2], values: t.code >= 1024 ? values.map(BigInt) : values };
          const v = readNifti(makeNifti(f), 'x.nii');
          expect(v.data.constructor.name).toBe(t.array);
          expect(Array.from(v.data)).toEqual(values);
        });
      }
    }
  }
});

describe('readNifti geometry and scaling', () => {
  const base = { datatype: 4, bitpix: 16, dims: [2, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8] };

  it('builds the qform affine from the quaternion (90° about z, qfac −1), in both versions', () => {
    const s = Math.SQRT1_2;
    for (const version of [1, 2] as const) {
      const v = readNifti(
        makeNifti({ ...base, version, qformCode: 1, quatern: [0, 0, s], qfac: -1, pixdim: [2, 3, 4], qoffset: [10, 20, 30] }),
        'q.nii',
      );
      const expected = [0, -3, 0, 10, 2, 0, 0, 20, 0, 0, -4, 30, 0, 0, 0, 1];
      expected.forEach((x, i) => expect(v.affine[i]).toBeCloseTo(x, 5));
      expect(v.spacing.map((x) => +x.toFixed(5))).toEqual([2, 3, 4]);
    }
  });

  it('prefers the sform when sform_code > 0, uses pixdim when neither is set', () => {
    const srow = [1.5, 0, 0, -7, 0, 0, 2, 5, 0, -2.5, 0, 9];
    const v = readNifti(makeNifti({ ...base, qformCode: 1, quatern: [0, 0, 1], sformCode: 2, srow }), 's.nii');
    expect(Array.from(v.affine)).toEqual([...srow, 0, 0, 0, 1]);
    const p = readNifti(makeNifti({ ...base, pixdim: [0.5, 0.75, 2] }), 'p.nii');
    expect(Array.from(p.affine)).toEqual([0.5, 0, 0, 0, 0, 0.75, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
  });

  it('keeps scl_slope/scl_inter in scale; slope 0 means no scaling', () => {
    const a = readNifti(makeNifti({ ...base, slope: 2, inter: -5 }), 'a.nii');
    expect(a.scale).toEqual({ slope: 2, inter: -5 });
    expect(Array.from(realValues(a))).toEqual(base.values.map((x) => 2 * x - 5));
    const z = readNifti(makeNifti({ ...base, slope: 0, inter: 100 }), 'z.nii');
    expect(z.scale).toEqual({ slope: 1, inter: 0 });
  });

  it('accepts a 4-D file with a single volume and marks label intent', () => {
    const v = readNifti(makeNifti({ ...base, dims: [2, 2, 2, 1], intentCode: 1002 }), 'l.nii');
    expect(v.dims).toEqual([2, 2, 2]);
    expect(v.intent).toBe('label');
  });
});

describe('readNifti errors name the file, what was expected and what was found', () => {
  const base = { datatype: 4, bitpix: 16, dims: [2, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8] };

  it('a PNG or a text file is not NIfTI, and says what it looks like', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(400).fill(0)]);
    expectError(() => readNifti(png, 'scan.nii'), 'bad-file-type', /^scan\.nii is not a NIfTI file/, /expected a NIfTI-1 or NIfTI-2 header/, /found a PNG image/);
    const text = new TextEncoder().encode('patient,age\nA,54\n');
    expectError(() => readNifti(text, 'notes.nii'), 'bad-file-type', /notes\.nii/, /a text file starting "patient,age"/);
  });

  it('a truncated .gz and a damaged .gz', () => {
    const gz = repoFile('public/demo/labels-organs4.nii.gz');
    expectError(() => readNifti(gz.subarray(0, gz.length - 100), 'labels.nii.gz'), 'truncated-gzip', /labels\.nii\.gz is a truncated gzip file/, /ends early/);
    // Cut in half, the demo CT's last 4 bytes "claim" 3.8 GB: the reader must not try to allocate that.
    const ct = repoFile('public/demo/ct.nii.gz');
    const half = ct.subarray(0, Math.floor(ct.length / 2));
    expect(new DataView(half.buffer, half.byteOffset + half.length - 4).getUint32(0, true)).toBeGreaterThan(2 ** 31);
    expectError(() => readNifti(half, 'ct.nii.gz'), 'truncated-gzip', /ct\.nii\.gz is a truncated gzip file/, /ends early/);
    const bad = gzipSync(makeNifti(base));
    bad[bad.length - 8] ^= 0xff; // corrupt the stored CRC
    expectError(() => readNifti(bad, 'x.nii.gz'), 'truncated-gzip', /x\.nii\.gz is a damaged gzip file/, /checksum/);
  });

  it('a truncated .nii: fewer voxel bytes than the header promises', () => {
    const full = makeNifti(base);
    expectError(() => readNifti(full.subarray(0, full.length - 3), 'cut.nii'), 'bad-nifti', /cut\.nii is truncated/, /promises 8 int16 voxels \(16 bytes from offset 352\) but only 13 bytes follow/);
  });

  it('4-D with more than one volume, and a single 2-D slice', () => {
    const four = makeNifti({ ...base, dims: [2, 2, 1, 3], values: new Array(12).fill(1) });
    expectError(() => readNifti(four, 'fmri.nii'), 'bad-dimensions', /fmri\.nii is 4-D \(2×2×1×3\) with 3 volumes/, /single 3-D scan/);
    const slice = makeNifti({ ...base, dims: [2, 2, 1], values: [1, 2, 3, 4] });
    expectError(() => readNifti(slice, 'slice.nii'), 'bad-dimensions', /slice\.nii is 2×2×1: a single 2-D slice/);
  });

  it('unsupported datatypes, .hdr/.img pairs and Analyze headers', () => {
    const rgb = makeNifti({ ...base, datatype: 128, bitpix: 24, values: new Array(8).fill(0) });
    expectError(() => readNifti(rgb, 'rgb.nii'), 'bad-nifti', /rgb\.nii stores voxels as RGB24 colour; expected a scalar type/);
    expectError(() => readNifti(makeNifti({ ...base, magic: 'ni1\0' }), 'x.hdr'), 'bad-nifti', /\.hdr\/\.img pair/);
    expectError(() => readNifti(makeNifti({ ...base, magic: '\0\0\0\0' }), 'x.hdr'), 'bad-nifti', /Analyze 7\.5/);
  });
});
