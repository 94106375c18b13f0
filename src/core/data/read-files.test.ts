import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'fflate';
import { isWorkbenchError } from '../errors';
import { readVolumeFiles } from './read-files';
import { makeDicom } from './testing/make-dicom';
import { makeNifti } from './testing/make-nifti';
import { repoFile, repoFolder } from './testing/repo-files';

const rejectsWith = (p: Promise<unknown>, code: string, re: RegExp) =>
  expect(p).rejects.toSatisfy((e: unknown) => isWorkbenchError(e, code as never) && re.test((e as Error).message));

describe('readVolumeFiles dispatches by content, not by name', () => {
  it('a gzipped NIfTI named .dat, a plain NIfTI named .gz, a big-endian NIfTI-2 named scan', async () => {
    const gz = repoFile('public/demo/labels-organs4.nii.gz');
    expect((await readVolumeFiles([{ name: 'labels.dat', bytes: gz }])).dims).toEqual([122, 101, 112]);
    expect((await readVolumeFiles([{ name: 'labels.nii.gz', bytes: gunzipSync(gz) }])).data).toBeInstanceOf(Uint8Array);
    const n2 = makeNifti({ version: 2, littleEndian: false, datatype: 4, bitpix: 16, dims: [2, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(Array.from((await readVolumeFiles([{ name: 'scan', bytes: n2 }])).data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a DICOM series named without extensions, ignoring hidden files and a README', async () => {
    const files = repoFolder('test-data/ct-abdomen-b/dicom').map((f, i) => ({ ...f, name: `IM${i}` }));
    files.push({ name: '.DS_Store', bytes: new Uint8Array([0, 0, 0, 1, 66, 117, 100, 49]).buffer });
    files.push({ name: 'README.txt', bytes: new TextEncoder().encode('exported by PACS').buffer });
    const v = await readVolumeFiles(files);
    expect(v.dims).toEqual([512, 512, 20]);
  });

  it('a single DICOM slice is refused as 2-D', async () => {
    const one = makeDicom({ rows: 2, cols: 2, pixels: [1, 2, 3, 4], position: [0, 0, 0] });
    await rejectsWith(readVolumeFiles([{ name: 'one.dcm', bytes: one }]), 'bad-dimensions', /one\.dcm is a single 2×2 DICOM slice, not a 3-D scan/);
  });
});

describe('readVolumeFiles errors', () => {
  it('a PNG, a text file, an empty file: named, with what they look like', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 13]);
    await rejectsWith(readVolumeFiles([{ name: 'photo.png', bytes: png }]), 'bad-file-type', /^photo\.png is neither NIfTI, NRRD, MetaImage nor DICOM: expected .* found a PNG image\.$/);
    const txt = new TextEncoder().encode('1 spleen\n2 kidney_right\n');
    await rejectsWith(readVolumeFiles([{ name: 'ct.nii', bytes: txt }]), 'bad-file-type', /ct\.nii is neither NIfTI, NRRD, MetaImage nor DICOM.*a text file starting "1 spleen"/);
    await rejectsWith(readVolumeFiles([{ name: 'zero.nii', bytes: new Uint8Array(0) }]), 'bad-file-type', /zero\.nii .* found an empty file/);
  });

  it('a truncated .nii.gz is reported as such', async () => {
    const gz = repoFile('public/demo/ct.nii.gz');
    await rejectsWith(readVolumeFiles([{ name: 'ct.nii.gz', bytes: gz.subarray(0, 500000) }]), 'truncated-gzip', /ct\.nii\.gz is a truncated gzip file/);
  });

  it('two scans at once, or nothing', async () => {
    const gz = repoFile('public/demo/labels-organs4.nii.gz');
    await rejectsWith(readVolumeFiles([{ name: 'a.nii.gz', bytes: gz }, { name: 'b.nii.gz', bytes: gz }]), 'bad-argument', /found 2 NIfTI files \(a\.nii\.gz, b\.nii\.gz\)/);
    await rejectsWith(readVolumeFiles([]), 'bad-argument', /No files were given/);
  });
});
