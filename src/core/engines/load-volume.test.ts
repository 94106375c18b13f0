import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_LABELS } from '../data';
import { makeNifti } from '../data/testing/make-nifti';
import { isWorkbenchError } from '../errors';
import { distinctIntegerValues, inferRole, loadVolumeIntoStore } from './load-volume';
import { VolumeStore } from './volume-store';

const file = (rel: string) => {
  const b = readFileSync(resolve(import.meta.dirname, '../../..', rel));
  return { name: rel.split('/').pop()!, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
};
const builtInTables = (n: string) => (/organs4/.test(n) ? DEMO_LABELS : undefined);

describe('loading volumes into the store', () => {
  it('an image, then its label map by name, with the demo table', async () => {
    const store = new VolumeStore();
    const ct = await loadVolumeIntoStore([file('public/demo/ct.nii.gz')], {}, { store, builtInTables });
    expect(ct.info).toMatchObject({ role: 'image', dims: [122, 101, 112] });
    const lab = await loadVolumeIntoStore([file('public/demo/labels-organs4.nii.gz')], {}, { store, builtInTables });
    expect(lab.info).toMatchObject({ role: 'label', imageId: ct.info.id, labels: { 1: 'spleen', 2: 'kidney_right', 3: 'kidney_left', 4: 'liver' } });
    expect(store.labelsOf(ct.info.id).map((v) => v.info.id)).toEqual([lab.info.id]);
    expect(store.remove(ct.info.id).sort()).toEqual([ct.info.id, lab.info.id].sort());
    expect(store.list()).toEqual([]);
  });

  it('names labels from a table given as text, and falls back to "label N"', async () => {
    const store = new VolumeStore();
    const ct = await loadVolumeIntoStore([file('test-data/ct-abdomen-b/ct.nii.gz')], {}, { store });
    const table = readFileSync(resolve(import.meta.dirname, '../../../test-data/labels-totalseg-v2.txt'), 'utf8');
    const lab = await loadVolumeIntoStore([file('test-data/ct-abdomen-b/labels-totalseg-v2.nii.gz')], { role: 'label', labelTable: table }, { store });
    expect(lab.info.imageId).toBe(ct.info.id);
    expect(lab.info.labels?.[1]).toBe('spleen');
    expect(lab.info.labels?.[5]).toBe('liver');
    const bare = await loadVolumeIntoStore([file('test-data/ct-abdomen-b/labels-totalseg-v2.nii.gz')], { role: 'label', name: 'seg.nii.gz' }, { store });
    expect(bare.info.labels?.[5]).toBe('label 5');
  });

  it('refuses a label map without an image, and one on another grid, without touching the store', async () => {
    const store = new VolumeStore();
    await expect(loadVolumeIntoStore([file('public/demo/labels-organs4.nii.gz')], { role: 'label' }, { store })).rejects.toThrow(
      /labels-organs4\.nii\.gz is a label map, but no image is loaded/,
    );
    const ct = await loadVolumeIntoStore([file('public/demo/ct.nii.gz')], {}, { store });
    await expect(
      loadVolumeIntoStore([file('test-data/ct-abdomen-b/labels-totalseg-v2.nii.gz')], { role: 'label', imageId: ct.info.id }, { store }),
    ).rejects.toMatchObject({ code: 'label-grid-mismatch' });
    expect(store.list().map((v) => v.id)).toEqual([ct.info.id]);
  });

  it('refuses a scan too large for the device before reading its voxels', async () => {
    const store = new VolumeStore();
    const limits = { maxStorageBufferBindingSize: 1 << 20, maxBufferSize: 1 << 20, maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupsPerDimension: 65535 };
    await expect(loadVolumeIntoStore([file('public/demo/ct.nii.gz')], {}, { store, limits })).rejects.toMatchObject({ code: 'too-large' });
    expect(store.list()).toEqual([]);
  });

  it('infers roles and integer values', () => {
    expect(inferRole('labels-organs4.nii.gz', true)).toBe('label');
    expect(inferRole('patient_seg.nii', true)).toBe('label');
    expect(inferRole('ct.nii.gz', true)).toBe('image');
    expect(inferRole('labels.nii.gz', false)).toBe('image');
    const v = { data: new Float32Array([0, 1, 2.5]), scale: { slope: 1, inter: 0 } } as never;
    expect(distinctIntegerValues(v)).toBeUndefined();
    const w = { data: new Int16Array([3, 0, 3, 1]), scale: { slope: 1, inter: 0 } } as never;
    expect(distinctIntegerValues(w)).toEqual([0, 1, 3]);
  });
});

describe('label maps that are not label maps are refused, and leave the store as it was', () => {
  const grid = { datatype: 16, bitpix: 32, dims: [2, 2, 2], sformCode: 1, srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0] };
  const bytesOf = (values: number[], name: string) => {
    const b = makeNifti({ ...grid, values });
    return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
  };
  const cases: { name: string; values: number[]; says: RegExp }[] = [
    { name: '−1', values: [0, 1, -1, 0, 0, 0, 0, 0], says: /^seg\.nii holds -1 at voxel \(0, 1, 0\); a label map must hold whole class numbers from 0 \(background\) to 65535/ },
    { name: 'a fraction', values: [0, 0.5, 0, 0, 0, 0, 0, 0], says: /holds 0\.5 at voxel \(1, 0, 0\)/ },
    { name: 'a huge class number', values: [0, 0, 0, 0, 0, 0, 0, 1e9], says: /holds 1000000000 at voxel \(1, 1, 1\).* to 65535/ },
  ];
  for (const c of cases) {
    it(`a label map holding ${c.name}`, async () => {
      const store = new VolumeStore();
      const img = await loadVolumeIntoStore([bytesOf([0, 1, 2, 3, 4, 5, 6, 7], 'ct.nii')], {}, { store });
      const before = store.list().map((v) => v.id);
      await expect(loadVolumeIntoStore([bytesOf(c.values, 'seg.nii')], { role: 'label', imageId: img.info.id }, { store })).rejects.toSatisfy(
        (e: unknown) => isWorkbenchError(e, 'bad-labels') && c.says.test((e as Error).message),
      );
      // Inferred from the name, the same.
      await expect(loadVolumeIntoStore([bytesOf(c.values, 'seg.nii')], {}, { store })).rejects.toMatchObject({ code: 'bad-labels' });
      expect(store.list().map((v) => v.id)).toEqual(before);
    });
  }

  it('the same values load as an image', async () => {
    const store = new VolumeStore();
    const v = await loadVolumeIntoStore([bytesOf([0, 1, -1, 0.5, 0, 0, 0, 1e9], 'seg.nii')], { role: 'image' }, { store });
    expect(v.info.min).toBe(-1);
  });

  it('a reader warning reaches VolumeInfo.warnings', async () => {
    const store = new VolumeStore();
    const b = makeNifti({ datatype: 4, bitpix: 16, dims: [2, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8], pixdim: [0, 1, 1] });
    const v = await loadVolumeIntoStore([{ name: 'p0.nii', bytes: b.buffer as ArrayBuffer }], {}, { store });
    expect(v.info.warnings?.join(' ')).toMatch(/p0\.nii gives voxel size 0 along i/);
    expect(store.list()[0].warnings).toEqual(v.info.warnings);
  });
});
