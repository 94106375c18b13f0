import { describe, expect, it } from 'vitest';
import * as nifti from 'nifti-reader-js';
import { affineToQuatern, quaternToAffine } from './affine';
import { readNifti } from './nifti-read';
import { writeNifti } from './nifti-write';
import { repoFile } from './testing/repo-files';
import type { Volume } from './volume';

function expectSameVolume(a: Volume, b: Volume): void {
  expect(b.dims).toEqual(a.dims);
  expect(b.data.constructor).toBe(a.data.constructor);
  expect(b.data.length).toBe(a.data.length);
  let diff = 0;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) diff++;
  expect(diff).toBe(0);
  expect(Array.from(b.affine)).toEqual(Array.from(a.affine));
  expect(b.scale).toEqual(a.scale);
  expect(b.spacing).toEqual(a.spacing);
}

const REAL = [
  'public/demo/ct.nii.gz',
  'public/demo/labels-organs4.nii.gz',
  'test-data/ct-abdomen-b/ct.nii.gz',
  'test-data/mr-abdomen/mr.nii.gz',
  'test-data/ct-abdomen-a-labels-totalseg-v1.nii.gz',
];

describe('writeNifti round trip (read → write → read is exact)', () => {
  for (const path of REAL) {
    it(path, () => {
      const a = readNifti(repoFile(path), path);
      const gz = path.endsWith('ct.nii.gz') && path.includes('demo');
      const b = readNifti(writeNifti(a, { gzip: gz }), 'copy.nii');
      expectSameVolume(a, b);
    });
  }
});

function header(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, 352);
}

describe('writeNifti header is valid NIfTI-1 for other tools', () => {
  const v = readNifti(repoFile('test-data/ct-abdomen-b/ct.nii.gz'), 'ct.nii.gz');
  const out = writeNifti(v);

  it('has sizeof_hdr 348, magic n+1, vox_offset 352, mm units, qform and sform codes 1', () => {
    const h = header(out);
    expect(h.getInt32(0, true)).toBe(348);
    expect(String.fromCharCode(...out.subarray(344, 348))).toBe('n+1\0');
    expect(h.getFloat32(108, true)).toBe(352);
    expect(h.getUint8(123) & 7).toBe(2);
    expect(h.getInt16(252, true)).toBe(1);
    expect(h.getInt16(254, true)).toBe(1);
    expect(h.getInt16(40, true)).toBe(3);
    expect(out.length).toBe(352 + 512 * 512 * 20 * 2);
  });

  it('its qform gives the same affine as its sform (checked by our reader with sform_code 0)', () => {
    const copy = out.slice();
    new DataView(copy.buffer).setInt16(254, 0, true);
    const q = readNifti(copy, 'q.nii');
    for (let i = 0; i < 16; i++) expect(q.affine[i]).toBeCloseTo(v.affine[i], 4);
  });

  it('nifti-reader-js (an independent reader) reads the same dims, datatype, geometry and voxels', () => {
    const buf = out.slice().buffer;
    expect(nifti.isNIFTI1(buf)).toBe(true);
    const h = nifti.readHeader(buf);
    expect(h.dims.slice(0, 4)).toEqual([3, 512, 512, 20]);
    expect(h.datatypeCode).toBe(4);
    expect(h.scl_inter).toBe(-1024);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(h.affine[r][c]).toBeCloseTo(v.affine[r * 4 + c], 4);
    const img = new Int16Array(nifti.readImage(h, buf));
    expect(img[123456]).toBe(v.data[123456]);
  });

  it('labels are written with NIFTI_INTENT_LABEL and read back as label intent', () => {
    const lab = readNifti(repoFile('public/demo/labels-organs4.nii.gz'), 'labels.nii.gz');
    const bytes = writeNifti(lab, { intent: 'label', gzip: true });
    expect(bytes[0]).toBe(0x1f);
    const back = readNifti(bytes, 'labels.nii.gz');
    expect(back.intent).toBe('label');
    const plain = writeNifti(lab, { intent: 'label' });
    expect(header(plain).getInt16(68, true)).toBe(1002);
    expect(header(plain).getFloat32(124, true)).toBe(4); // cal_max = largest class
  });
});

describe('quaternion ↔ affine', () => {
  it('round-trips rotated, left- and right-handed affines', () => {
    const cases = [
      { b: 0.1, c: -0.3, d: 0.2, qfac: 1 as const },
      { b: 0, c: 1, d: 0, qfac: -1 as const },
      { b: 0.7, c: 0.1, d: -0.7, qfac: -1 as const },
      { b: 0, c: 0, d: 0, qfac: 1 as const },
    ];
    for (const c of cases) {
      const n = Math.hypot(c.b, c.c, c.d);
      const q = n > 1 ? { b: c.b / n, c: c.c / n, d: c.d / n } : c;
      const m = quaternToAffine({ ...q, offset: [1, -2, 3], pixdim: [0.8, 1.2, 2.5], qfac: c.qfac });
      const back = quaternToAffine(affineToQuatern(m));
      for (let i = 0; i < 16; i++) expect(back[i]).toBeCloseTo(m[i], 10);
      expect(affineToQuatern(m).qfac).toBe(c.qfac);
    }
  });
});
