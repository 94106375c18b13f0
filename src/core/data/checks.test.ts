import { describe, expect, it } from 'vitest';
import type { DeviceLimits } from '../backend/select';
import { isWorkbenchError } from '../errors';
import { checkFitsDevice, checkLabelMatchesImage, checkLabelValues, labelArray } from './checks';
import { readNifti } from './nifti-read';
import { repoFile } from './testing/repo-files';
import type { Volume } from './volume';

function throwsWith(fn: () => unknown, code: string, re: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isWorkbenchError(caught, code as never)).toBe(true);
  expect((caught as Error).message).toMatch(re);
}

const image = readNifti(repoFile('public/demo/ct.nii.gz'), 'ct.nii.gz');
const labels = readNifti(repoFile('public/demo/labels-organs4.nii.gz'), 'labels-organs4.nii.gz');
const labelsB = readNifti(repoFile('test-data/ct-abdomen-b/labels-totalseg-v2.nii.gz'), 'labels.nii.gz');

describe('checkLabelMatchesImage', () => {
  it('accepts the labels of the same patient', () => {
    expect(() => checkLabelMatchesImage(labels, image)).not.toThrow();
    const ctB = readNifti(repoFile('test-data/ct-abdomen-b/ct.nii.gz'), 'ct-b.nii.gz');
    expect(() => checkLabelMatchesImage(labelsB, ctB)).not.toThrow();
  });

  it('refuses labels of another size, in the words of the contract', () => {
    throwsWith(() => checkLabelMatchesImage(labelsB, image), 'label-grid-mismatch', /^labels\.nii\.gz is 512×512×20 but the image is 122×101×112; a label map must match its image\.$/);
  });

  it('refuses labels of the right size placed elsewhere in space', () => {
    const moved: Volume = { ...labels, affine: Float64Array.from(labels.affine) };
    moved.affine[3] += 30;
    throwsWith(() => checkLabelMatchesImage(moved, image), 'label-grid-mismatch', /has the image's size \(122×101×112\) but lies elsewhere in space: its voxel corners are at \(-148\.0, 11\.3, 94\.3\) and \(215\.0, 311\.3, 427\.3\) mm, the image.s at \(-178\.0, /);
  });
});

describe('labelArray / checkLabelValues', () => {
  it('gives class numbers, Uint8 for ≤ 255 and Int32 above, applying the scale', () => {
    const a = labelArray(labels);
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a[500000]).toBe(labels.data[500000]);
    const big: Volume = { ...labels, data: Int16Array.from([0, 300, 2, 1, 0, 0, 0, 0]), dims: [2, 2, 2] };
    expect(labelArray(big)).toBeInstanceOf(Int32Array);
    const scaled: Volume = { ...big, data: Float32Array.from([0, 0.5, 1, 1.5, 0, 0, 0, 0]), scale: { slope: 2, inter: 1 } };
    expect(Array.from(labelArray(scaled))).toEqual([1, 2, 3, 4, 1, 1, 1, 1]);
  });

  it('refuses non-integer and negative values, naming the voxel', () => {
    const frac: Volume = { ...labels, name: 'probs.nii', dims: [2, 2, 2], data: Float32Array.from([0, 1, 0, 0, 0, 0, 0.25, 1]) };
    throwsWith(() => checkLabelValues(frac), 'bad-labels', /^probs\.nii holds 0\.25 at voxel \(0, 1, 1\); a label map must hold whole class numbers/);
    throwsWith(() => checkLabelValues(image), 'bad-labels', /ct\.nii\.gz holds -\d+ at voxel/);
  });
});

describe('checkFitsDevice', () => {
  const limits = (mb: number): DeviceLimits => ({
    maxStorageBufferBindingSize: mb * 1e6, maxBufferSize: 4 * mb * 1e6, maxComputeWorkgroupStorageSize: 16384,
    maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupsPerDimension: 65535,
  });

  it('passes when the float32 copy fits, and states need vs limit in MB when it does not', () => {
    expect(() => checkFitsDevice(image, limits(128))).not.toThrow(); // 5.5 MB
    throwsWith(() => checkFitsDevice(image, limits(5)), 'too-large', /^ct\.nii\.gz is 122×101×112 voxels: its float32 working copy needs 5\.5 MB but this GPU allows at most 5\.0 MB in one buffer/);
    const huge = { name: 'whole-body.nii.gz', dims: [512, 512, 2000] as [number, number, number] };
    throwsWith(() => checkFitsDevice(huge, { ...limits(134.217728), maxBufferSize: 268435456 }), 'too-large', /needs 2097\.2 MB but this GPU allows at most 134\.2 MB/);
  });
});
