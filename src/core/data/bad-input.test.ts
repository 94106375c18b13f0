/**
 * Bad input, case by case (docs/INPUT.md has the same table in words): for every NIfTI header field and
 * every DICOM series fault, the decision — load as is, load with a stated warning, or refuse with a
 * sentence naming the file, what was expected and what was found.
 */
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { isWorkbenchError, type WorkbenchErrorCode } from '../errors';
import { readVolumeFiles, type InputFile } from './read-files';
import { makeDicom, type DicomFixture } from './testing/make-dicom';
import { makeNifti, type NiftiFixture } from './testing/make-nifti';
import type { Volume } from './volume';

type Outcome =
  | { load: 'as-is'; check?: (v: Volume) => void }
  | { load: 'warn'; warn: RegExp[]; check?: (v: Volume) => void }
  | { refuse: WorkbenchErrorCode; says: RegExp[] };

interface Case {
  name: string;
  files: () => InputFile[];
  outcome: Outcome;
}

async function run(c: Case): Promise<void> {
  const o = c.outcome;
  if ('refuse' in o) {
    let caught: unknown;
    try {
      await readVolumeFiles(c.files());
    } catch (e) {
      caught = e;
    }
    expect(isWorkbenchError(caught), `expected a WorkbenchError, got ${String(caught)}`).toBe(true);
    const e = caught as Error & { code: string };
    expect(e.code).toBe(o.refuse);
    for (const re of o.says) expect(e.message).toMatch(re);
    return;
  }
  const v = await readVolumeFiles(c.files());
  if (o.load === 'as-is') expect(v.warnings ?? []).toEqual([]);
  else {
    expect(v.warnings?.length ?? 0).toBeGreaterThan(0);
    const all = (v.warnings ?? []).join('\n');
    for (const re of o.warn) expect(all).toMatch(re);
  }
  o.check?.(v);
}

// ---------------------------------------------------------------- NIfTI

const values = [1, 2, 3, 4, 5, 6, 7, 8];
const srow = [2, 0, 0, -1, 0, 2, 0, -2, 0, 0, 3, -3];
/** A well-formed file: int16, 2×2×2, sform (code 1) with 2×2×3 mm voxels. */
const good: NiftiFixture = { datatype: 4, bitpix: 16, dims: [2, 2, 2], values, sformCode: 1, srow };
const bare: NiftiFixture = { datatype: 4, bitpix: 16, dims: [2, 2, 2], values };
const s = Math.SQRT1_2;
const qform: NiftiFixture = { ...bare, qformCode: 1, quatern: [0, 0, s], pixdim: [2, 3, 4], qoffset: [10, 20, 30] };

const nii = (f: NiftiFixture, name = 'scan.nii') => () => [{ name, bytes: makeNifti(f) }];
const diag = (v: Volume) => [v.affine[0], v.affine[5], v.affine[10]];
const sameValues = (v: Volume) => expect(Array.from(v.data)).toEqual(values);

const NIFTI_CASES: Case[] = [
  // --- load as is
  { name: 'a well-formed NIfTI-1 with an sform', files: nii(good), outcome: { load: 'as-is', check: (v) => { sameValues(v); expect(Array.from(v.affine)).toEqual([...srow, 0, 0, 0, 1]); } } },
  { name: 'NIfTI-2, big endian, with an sform', files: nii({ ...good, version: 2, littleEndian: false }), outcome: { load: 'as-is', check: sameValues } },
  { name: 'a name with a dot but no NIfTI extension (series.001)', files: nii(good, 'series.001'), outcome: { load: 'as-is', check: (v) => expect(v.name).toBe('series.001') } },
  { name: 'a qform only (quaternion, pixdim)', files: nii(qform), outcome: { load: 'as-is', check: (v) => expect(v.spacing.map((x) => +x.toFixed(5))).toEqual([2, 3, 4]) } },
  { name: 'pixdim NaN while the sform (which does not use it) is set', files: nii({ ...good, pixdim: [NaN, NaN, NaN] }), outcome: { load: 'as-is', check: (v) => expect(diag(v)).toEqual([2, 2, 3]) } },
  { name: 'qform_code 2 and sform_code 4 (known codes)', files: nii({ ...qform, qformCode: 2, sformCode: 4, srow }), outcome: { load: 'as-is', check: (v) => expect(diag(v)).toEqual([2, 2, 3]) } },
  { name: 'dim[0] = 3 with junk in dim[4] (dims beyond dim[0] are unused)', files: nii({ ...good, dims: [2, 2, 2, 5], dim0: 3 }), outcome: { load: 'as-is', check: (v) => expect(v.dims).toEqual([2, 2, 2]) } },
  { name: 'a 4-D file holding one volume (dim[4] = 1)', files: nii({ ...good, dims: [2, 2, 2, 1] }), outcome: { load: 'as-is', check: (v) => expect(v.dims).toEqual([2, 2, 2]) } },
  { name: 'scl_slope 0 (no scaling, by the standard)', files: nii({ ...good, slope: 0, inter: 50 }), outcome: { load: 'as-is', check: (v) => expect(v.scale).toEqual({ slope: 1, inter: 0 }) } },
  { name: 'scl_slope NaN (no scaling, as nifti_io and nibabel)', files: nii({ ...good, slope: NaN, inter: 50 }), outcome: { load: 'as-is', check: (v) => expect(v.scale).toEqual({ slope: 1, inter: 0 }) } },
  { name: 'scl_slope 2, scl_inter −1024', files: nii({ ...good, slope: 2, inter: -1024 }), outcome: { load: 'as-is', check: (v) => expect(v.scale).toEqual({ slope: 2, inter: -1024 }) } },
  { name: 'intent NIFTI_INTENT_LABEL (1002)', files: nii({ ...good, intentCode: 1002 }), outcome: { load: 'as-is', check: (v) => expect(v.intent).toBe('label') } },
  { name: 'a statistics intent (2, correlation): read as a scalar map', files: nii({ ...good, intentCode: 2 }), outcome: { load: 'as-is', check: (v) => expect(v.intent).toBeUndefined() } },
  { name: 'header extensions (vox_offset after them): skipped', files: nii({ ...good, extensions: [{ code: 6, content: new TextEncoder().encode('a comment that is not a voxel') }] }), outcome: { load: 'as-is', check: sameValues } },
  { name: 'NIfTI-2 with extensions', files: nii({ ...good, version: 2, extensions: [{ code: 4, content: new Uint8Array(40).fill(7) }] }), outcome: { load: 'as-is', check: sameValues } },
  { name: 'xyzt_units mm + s (10)', files: nii({ ...good, xyztUnits: 10 }), outcome: { load: 'as-is', check: (v) => expect(diag(v)).toEqual([2, 2, 3]) } },
  { name: 'bytes after the voxels (e.g. padding)', files: () => [{ name: 'pad.nii', bytes: new Uint8Array([...makeNifti(good), 0, 0, 0, 0]) }], outcome: { load: 'as-is', check: sameValues } },
  { name: 'gzip, named .nii', files: () => [{ name: 'scan.nii', bytes: gzipSync(makeNifti(good)) }], outcome: { load: 'as-is', check: sameValues } },

  // --- load with a warning
  { name: 'no qform and no sform: orientation unknown', files: nii({ ...bare, pixdim: [0.5, 0.5, 2] }), outcome: { load: 'warn', warn: [/scan\.nii has no qform or sform \(both codes 0\), so its orientation is unknown/], check: (v) => expect(diag(v)).toEqual([0.5, 0.5, 2]) } },
  { name: 'pixdim 0 with no transform: 1 mm assumed', files: nii({ ...bare, pixdim: [0, 0.5, 2] }), outcome: { load: 'warn', warn: [/scan\.nii gives voxel size 0 along i \(pixdim\[1\]\).*1 mm was assumed/], check: (v) => expect(diag(v)).toEqual([1, 0.5, 2]) } },
  { name: 'a negative pixdim in a qform: its magnitude', files: nii({ ...qform, pixdim: [2, -3, 4] }), outcome: { load: 'warn', warn: [/negative voxel size -3 along j.*magnitude 3 mm/], check: (v) => expect(v.spacing.map((x) => +x.toFixed(5))).toEqual([2, 3, 4]) } },
  { name: 'a singular sform with a valid qform: the qform', files: nii({ ...qform, sformCode: 1, srow: new Array(12).fill(0) }), outcome: { load: 'warn', warn: [/its sform \(sform_code 1\) is singular.*the qform was used instead/], check: (v) => expect(v.spacing.map((x) => +x.toFixed(5))).toEqual([2, 3, 4]) } },
  { name: 'an sform holding NaN and no qform: pixdim', files: nii({ ...bare, pixdim: [2, 2, 2], sformCode: 1, srow: [NaN, ...srow.slice(1)] }), outcome: { load: 'warn', warn: [/its sform \(sform_code 1\) holds NaN.*voxel sizes in pixdim were used with no orientation/], check: (v) => expect(diag(v)).toEqual([2, 2, 2]) } },
  { name: 'a qform holding infinity: pixdim', files: nii({ ...qform, qoffset: [Infinity, 0, 0] }), outcome: { load: 'warn', warn: [/its qform \(qform_code 1\) holds infinity/], check: (v) => expect(diag(v)).toEqual([2, 3, 4]) } },
  { name: 'an unknown sform_code (7): used, with a warning', files: nii({ ...good, sformCode: 7 }), outcome: { load: 'warn', warn: [/sform_code 7, which is not a NIfTI code \(expected 0 to 5\); its sform was used anyway/] } },
  { name: 'a negative qform_code: ignored, with a warning', files: nii({ ...good, qformCode: -1 }), outcome: { load: 'warn', warn: [/qform_code -1.*ignored/] } },
  { name: 'bitpix disagrees with datatype: read as the datatype', files: nii({ ...good, bitpixField: 8 }), outcome: { load: 'warn', warn: [/bitpix 8 but datatype int16 \(16 bits\)/], check: sameValues } },
  { name: 'spatial units metres: converted to mm', files: nii({ ...bare, qformCode: 1, pixdim: [0.002, 0.002, 0.003], xyztUnits: 1 }), outcome: { load: 'warn', warn: [/spatial units as metres.*converted to mm/], check: (v) => expect(v.spacing.map((x) => +x.toFixed(4))).toEqual([2, 2, 3]) } },
  { name: 'spatial units microns: converted to mm', files: nii({ ...bare, qformCode: 1, pixdim: [500, 500, 1000], xyztUnits: 3 }), outcome: { load: 'warn', warn: [/microns/], check: (v) => expect(v.spacing.map((x) => +x.toFixed(4))).toEqual([0.5, 0.5, 1]) } },
  { name: 'an unknown spatial unit code (5): mm assumed', files: nii({ ...good, xyztUnits: 5 }), outcome: { load: 'warn', warn: [/spatial unit code 5.*mm was assumed/] } },
  { name: 'scl_slope infinity: unscaled', files: nii({ ...good, slope: Infinity }), outcome: { load: 'warn', warn: [/scl_slope infinity; expected a finite number/], check: (v) => expect(v.scale).toEqual({ slope: 1, inter: 0 }) } },
  { name: 'scl_inter NaN with a slope: intercept 0', files: nii({ ...good, slope: 2, inter: NaN }), outcome: { load: 'warn', warn: [/scl_inter NaN with scl_slope 2; the intercept was taken as 0/], check: (v) => expect(v.scale).toEqual({ slope: 2, inter: 0 }) } },
  { name: 'float voxels that are NaN or infinity: set to the minimum', files: nii({ ...good, datatype: 16, bitpix: 32, values: [NaN, -5, 3, Infinity, 1, 2, 3, 4] }), outcome: { load: 'warn', warn: [/holds 2 voxels that are not numbers.*set to -5/], check: (v) => expect(Array.from(v.data)).toEqual([-5, -5, 3, -5, 1, 2, 3, 4]) } },
  { name: 'voxels of 500 mm: implausible', files: nii({ ...good, srow: [500, 0, 0, 0, 0, 500, 0, 0, 0, 0, 500, 0] }), outcome: { load: 'warn', warn: [/voxels of 500 × 500 × 500 mm.*wrong units/] } },

  // --- refuse
  { name: 'pixdim NaN and no qform/sform', files: nii({ ...bare, pixdim: [NaN, 1, 1] }), outcome: { refuse: 'bad-nifti', says: [/^scan\.nii has voxel size pixdim\[1\] = NaN/, /it has no qform or sform/, /expected three finite sizes in mm/] } },
  { name: 'pixdim infinity in a qform', files: nii({ ...qform, pixdim: [2, Infinity, 4] }), outcome: { refuse: 'bad-nifti', says: [/pixdim\[2\] = infinity/, /its qform uses them/] } },
  { name: 'pixdim NaN behind an unusable sform', files: nii({ ...bare, pixdim: [NaN, NaN, NaN], sformCode: 1, srow: new Array(12).fill(0) }), outcome: { refuse: 'bad-nifti', says: [/pixdim\[1\] = NaN/, /its transforms are unusable/] } },
  { name: 'dim[0] = 0', files: nii({ ...good, dim0: 0 }), outcome: { refuse: 'bad-nifti', says: [/scan\.nii has an invalid dim\[0\] = 0; expected 1 to 7/] } },
  { name: 'dim[0] = 9', files: nii({ ...good, dim0: 9 }), outcome: { refuse: 'bad-nifti', says: [/invalid dim\[0\] = 9/] } },
  { name: 'a zero dimension', files: nii({ ...good, dims: [2, 0, 2], values: [] }), outcome: { refuse: 'bad-nifti', says: [/invalid dimensions 2×0×2; each must be a whole number ≥ 1/] } },
  { name: 'a negative dimension', files: nii({ ...good, dims: [2, -2, 2], values: [] }), outcome: { refuse: 'bad-nifti', says: [/invalid dimensions 2×-2×2/] } },
  { name: 'a 4-D file with 3 volumes', files: nii({ ...good, dims: [2, 2, 2, 3], values: new Array(24).fill(1) }), outcome: { refuse: 'bad-dimensions', says: [/scan\.nii is 4-D \(2×2×2×3\) with 3 volumes/, /single 3-D scan/] } },
  { name: 'a 2-D image', files: nii({ ...good, dims: [2, 2], values: [1, 2, 3, 4] }), outcome: { refuse: 'bad-dimensions', says: [/2×2×1: a single 2-D slice/] } },
  { name: 'vox_offset inside the header', files: nii({ ...good, voxOffsetField: 100 }), outcome: { refuse: 'bad-nifti', says: [/vox_offset 100; expected a whole number of bytes, at least 348/] } },
  { name: 'vox_offset not a whole number', files: nii({ ...good, voxOffsetField: 352.5 }), outcome: { refuse: 'bad-nifti', says: [/vox_offset 352\.5; expected a whole number/] } },
  { name: 'vox_offset past the end of the file', files: nii({ ...good, voxOffsetField: 100000 }), outcome: { refuse: 'bad-nifti', says: [/vox_offset 100000, past the end of the file \(368 bytes\)/] } },
  { name: 'NIfTI-2 vox_offset inside the header', files: nii({ ...good, version: 2, voxOffsetField: 12 }), outcome: { refuse: 'bad-nifti', says: [/at least 540/] } },
  { name: 'truncated voxels', files: () => [{ name: 'cut.nii', bytes: makeNifti(good).subarray(0, 360) }], outcome: { refuse: 'bad-nifti', says: [/cut\.nii is truncated: its header promises 8 int16 voxels \(16 bytes from offset 352\) but only 8 bytes follow/] } },
  { name: 'a truncated header', files: () => [{ name: 'cut.nii', bytes: makeNifti(good).subarray(0, 200) }], outcome: { refuse: 'bad-nifti', says: [/cut\.nii is truncated: its header needs 348 bytes but the file has 200/] } },
  { name: 'a truncated gzip', files: () => [{ name: 'cut.nii.gz', bytes: gzipSync(makeNifti(good)).subarray(0, 40) }], outcome: { refuse: 'truncated-gzip', says: [/cut\.nii\.gz is a truncated gzip file/] } },
  { name: 'an unknown datatype code (3)', files: nii({ ...good, datatype: 3 }), outcome: { refuse: 'bad-nifti', says: [/stores voxels as unknown datatype code 3; expected a scalar type/] } },
  { name: 'RGB24 voxels', files: nii({ ...good, datatype: 128, bitpix: 24, values: new Array(8).fill(0) }), outcome: { refuse: 'bad-nifti', says: [/RGB24 colour/] } },
  { name: 'complex64 voxels', files: nii({ ...good, datatype: 32, bitpix: 64, values: new Array(8).fill(0) }), outcome: { refuse: 'bad-nifti', says: [/complex64/] } },
  { name: '1-bit voxels', files: nii({ ...good, datatype: 1, bitpix: 8, values: new Array(8).fill(0) }), outcome: { refuse: 'bad-nifti', says: [/binary \(1 bit per voxel\)/] } },
  { name: 'a .hdr/.img pair header', files: nii({ ...good, magic: 'ni1\0' }, 'scan.hdr'), outcome: { refuse: 'bad-nifti', says: [/scan\.hdr is the header of a NIfTI \.hdr\/\.img pair/] } },
  { name: 'an Analyze 7.5 header', files: nii({ ...good, magic: '\0\0\0\0' }, 'scan.hdr'), outcome: { refuse: 'bad-nifti', says: [/Analyze 7\.5/] } },
];

describe('NIfTI header fields: load as is, warn, or refuse', () => {
  for (const c of NIFTI_CASES) {
    const o = c.outcome;
    const what = 'refuse' in o ? 'refused' : o.load === 'warn' ? 'loads with a warning' : 'loads as is';
    it(`${c.name}: ${what}`, () => run(c));
  }
});

// ---------------------------------------------------------------- DICOM

const px = (k: number) => [k, k + 1, k + 2, k + 3];
function slice(k: number, over: Partial<DicomFixture> = {}): InputFile {
  const f: DicomFixture = { rows: 2, cols: 2, pixels: px(k), position: [0, 0, 2.5 * k], pixelSpacing: [0.5, 0.5], sopInstanceUid: `1.2.3.4.${k}`, ...over };
  return { name: over.sopInstanceUid ? `${over.sopInstanceUid}.dcm` : `IM${k}`, bytes: makeDicom(f) };
}
const stack = (n: number, over: (k: number) => Partial<DicomFixture> = () => ({})) => Array.from({ length: n }, (_, k) => slice(k, over(k)));

const DICOM_CASES: Case[] = [
  // --- load as is
  { name: 'a clean series of 4 slices named IM0…IM3 (no extension)', files: () => stack(4), outcome: { load: 'as-is', check: (v) => { expect(v.dims).toEqual([2, 2, 4]); expect(v.spacing[2]).toBeCloseTo(2.5, 9); } } },
  { name: 'files in reverse order', files: () => stack(4).reverse(), outcome: { load: 'as-is', check: (v) => expect(Array.from(v.data.slice(0, 4))).toEqual(px(0)) } },
  { name: 'hidden files and a README beside the series', files: () => [...stack(3), { name: '.DS_Store', bytes: new Uint8Array([0, 0, 0, 1, 66, 117, 100, 49]) }, { name: 'README.txt', bytes: new TextEncoder().encode('exported by PACS') }], outcome: { load: 'as-is' } },
  { name: 'a rescale that differs per slice: real values as float32', files: () => stack(3, (k) => ({ slope: 1 + k })), outcome: { load: 'as-is', check: (v) => expect(v.data).toBeInstanceOf(Float32Array) } },
  { name: 'a DICOMDIR beside the slices: skipped', files: () => [...stack(3), { name: 'CD/DICOMDIR', bytes: makeDicom({ rows: 2, cols: 2, pixels: [], position: [0, 0, 0], noPixels: true }) }], outcome: { load: 'as-is', check: (v) => expect(v.dims).toEqual([2, 2, 3]) } },
  { name: 'RLE Lossless slices', files: () => stack(3, () => ({ transferSyntax: '1.2.840.10008.1.2.5' })), outcome: { load: 'as-is', check: (v) => expect(Array.from(v.data.slice(4, 8))).toEqual(px(1)) } },

  // --- load with a warning
  { name: 'two series in one folder: the larger one', files: () => [...stack(4), ...stack(2, (k) => ({ seriesUid: '9.9', sopInstanceUid: `9.9.${k}`, description: 'scout' }))], outcome: { load: 'warn', warn: [/The files hold 2 series.*the largest, test series \(4 images\), was read and 2 images of the other left out: 9\.9\.0\.dcm, 9\.9\.1\.dcm/], check: (v) => expect(v.dims).toEqual([2, 2, 4]) } },
  { name: 'a slice of another orientation in the series (a localizer): left out', files: () => [...stack(4), slice(9, { orientation: [0, 1, 0, 0, 0, -1], position: [0, 0, 0], sopInstanceUid: 'loc' })], outcome: { load: 'warn', warn: [/left out: loc\.dcm/], check: (v) => expect(v.dims).toEqual([2, 2, 4]) } },
  { name: 'a DICOM file without an image (a report): skipped', files: () => [...stack(3), { name: 'report.dcm', bytes: makeDicom({ rows: 2, cols: 2, pixels: [], position: [0, 0, 0], noPixels: true }) }], outcome: { load: 'warn', warn: [/1 DICOM file holds no image.*skipped: report\.dcm/] } },
  { name: 'a file that is not DICOM among the slices: left out', files: () => [...stack(3), { name: 'photo.jpg', bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]) }], outcome: { load: 'warn', warn: [/1 file is not DICOM and was left out of the series: photo\.jpg \(a JPEG image\)/] } },
  { name: 'the same image twice (same SOPInstanceUID): read once', files: () => [...stack(3), { ...slice(1), name: 'copy-of-IM1' }], outcome: { load: 'warn', warn: [/1 file is a copy of another image.*copy-of-IM1 \(= IM1\)|IM1 \(= copy-of-IM1\)/], check: (v) => expect(v.dims).toEqual([2, 2, 3]) } },
  { name: 'gantry tilt (slices stacked off their normal): sheared geometry kept', files: () => stack(4, (k) => ({ position: [0, 0.5 * k, 2.5 * k] })), outcome: { load: 'warn', warn: [/stacked 11\.3° off their normal \(gantry tilt\)/] } },

  // --- refuse
  { name: 'a missing slice', files: () => stack(6).filter((_, k) => k !== 3), outcome: { refuse: 'bad-dicom', says: [/IM2 and IM4 are 5\.000 mm apart but most slices are 2\.500 mm apart \(a slice may be missing\); expected one slice every 2\.500 mm/] } },
  { name: 'uneven positions', files: () => stack(5, (k) => ({ position: [0, 0, k === 4 ? 11 : 2.5 * k] })), outcome: { refuse: 'bad-dicom', says: [/not evenly spaced: IM3 and IM4 are 3\.500 mm apart/] } },
  { name: 'two different images at one position', files: () => [...stack(3), slice(1, { sopInstanceUid: 'other', pixels: [9, 9, 9, 9] })], outcome: { refuse: 'bad-dicom', says: [/are at the same position \(2\.500 mm along the slice normal\) but are different images; expected one image per position/] } },
  { name: 'a multi-frame file', files: () => [slice(0, { frames: 20 })], outcome: { refuse: 'bad-dicom', says: [/IM0 is a multi-frame DICOM image \(20 frames\)/, /dcm2niix/] } },
  { name: 'an unsupported transfer syntax (JPEG Baseline)', files: () => stack(3, () => ({ transferSyntax: '1.2.840.10008.1.2.4.50' })), outcome: { refuse: 'bad-dicom', says: [/IM\d is compressed with JPEG Baseline \(1\.2\.840\.10008\.1\.2\.4\.50\), which the workbench cannot decode; expected uncompressed, JPEG 2000 or RLE/] } },
  { name: 'an unknown transfer syntax', files: () => stack(3, () => ({ transferSyntax: '1.2.3.4.5.6' })), outcome: { refuse: 'bad-dicom', says: [/compressed with transfer syntax 1\.2\.3\.4\.5\.6/] } },
  { name: 'colour slices', files: () => stack(3, () => ({ samplesPerPixel: 3 })), outcome: { refuse: 'bad-dicom', says: [/has 3 samples per pixel \(colour\); expected a grey-scale scan/] } },
  { name: 'a slice without ImagePositionPatient', files: () => [...stack(3), slice(3, { noPosition: true })], outcome: { refuse: 'bad-dicom', says: [/IM3 has no usable ImagePositionPatient \(0020,0032\)/] } },
  { name: 'an ImageOrientationPatient of zeros', files: () => stack(3, () => ({ orientation: [0, 0, 0, 0, 0, 0] })), outcome: { refuse: 'bad-dicom', says: [/IM0 has an ImageOrientationPatient \(0020,0037\) of "0\\0\\0\\0\\0\\0", which is not two perpendicular unit vectors/] } },
  { name: 'an image of 0 rows', files: () => stack(3, () => ({ rows: 0, pixels: [] })), outcome: { refuse: 'bad-dicom', says: [/IM0 has an image of 2×0 pixels.*expected at least 1×1/] } },
  { name: 'truncated pixel data', files: () => stack(3, (k) => (k === 1 ? { pixels: [1, 2] } : {})), outcome: { refuse: 'bad-dicom', says: [/IM1 is truncated: its pixel data has 4 bytes, expected 8/] } },
  { name: 'only DICOM files without images', files: () => [{ name: 'DICOMDIR', bytes: makeDicom({ rows: 2, cols: 2, pixels: [], position: [0, 0, 0], noPixels: true }) }], outcome: { refuse: 'bad-dicom', says: [/none of the 1 DICOM file \(DICOMDIR\) holds an image/] } },
  { name: 'a single slice', files: () => stack(1), outcome: { refuse: 'bad-dimensions', says: [/IM0 is a single 2×2 DICOM slice, not a 3-D scan/] } },
  { name: 'damaged DICOM', files: () => [...stack(3), { name: 'IM9', bytes: makeDicom({ rows: 2, cols: 2, pixels: px(9), position: [0, 0, 9] }).subarray(0, 200) }], outcome: { refuse: 'bad-dicom', says: [/IM9 could not be parsed as DICOM/] } },
];

describe('DICOM series faults: load as is, warn, or refuse', () => {
  for (const c of DICOM_CASES) {
    const o = c.outcome;
    const what = 'refuse' in o ? 'refused' : o.load === 'warn' ? 'loads with a warning' : 'loads as is';
    it(`${c.name}: ${what}`, () => run(c));
  }
});
