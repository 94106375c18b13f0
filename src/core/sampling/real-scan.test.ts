/**
 * Sampling and patch cutting on a real scan (patient A, 122×101×112 at 3 mm, organs 1–4): whatever the
 * augmentation, patch offset u = 0 maps to the centre itself, so every patch's middle label must be the
 * class isample chose and its middle full-res voxel must be the scan's value there, exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../testing/gpu';
import { clampAndScale, labelArray, readNifti, realValues } from '../data';
import { Rng } from '../random';
import { DEFAULT_AUGMENT } from '../transforms/augment';
import { samplePatchBatch } from '../transforms/sample-patch-batch';
import { uploadTrainingSet } from '../transforms/training-set';
import { buildClassIndex } from './class-index';
import { ErrorMapStore } from './error-map-store';
import { ISampler } from './isampler';

const GEOM = { outputSize: 8, rFull: 3, rContext: 3 };

describe('isample + GPU patches on patient A', () => {
  beforeAll(async () => {
    await webgpuForTests();
  });

  it('centres have the chosen class, patch middles reproduce them exactly, all 5 classes get sampled', async () => {
    const ct = readNifti(readFileSync('public/demo/ct.nii.gz'), 'ct.nii.gz');
    const lab = readNifti(readFileSync('public/demo/labels-organs4.nii.gz'), 'labels-organs4.nii.gz');
    const image = clampAndScale(realValues(ct));
    const labels = labelArray(lab);
    const set = uploadTrainingSet([{ name: 'patient A', image, labels, dims: ct.dims, spacing: ct.spacing }], { valueRange: { min: -1000 / 218, max: 1000 / 218 } });
    const index = buildClassIndex({ name: 'patient A', labels, dims: ct.dims }, 5);
    const store = new ErrorMapStore([ct.dims]);
    const sampler = new ISampler([index], store, { scansPerBatch: 1 });
    const rng = new Rng(2024);
    const o = GEOM.outputSize;
    const f = o + 2 * GEOM.rFull;
    const mid = (n: number, h: number, p: number) => ((p * n + h) * n + h) * n + h;
    const seen = new Set<number>();
    for (let round = 0; round < 3; round++) {
      const { patches, stats } = sampler.nextBatch(12, rng);
      expect(stats.acceptanceRate).toBe(1); // E starts at 1 everywhere
      const batch = samplePatchBatch(set, patches, GEOM, DEFAULT_AUGMENT, rng);
      const [full, lbl] = await Promise.all([batch.full.data(), batch.labels!.data()]);
      patches.forEach((p, i) => {
        seen.add(p.classId);
        expect(lbl[mid(o, o / 2, i)]).toBe(p.classId);
        expect(full[mid(f, o / 2 + GEOM.rFull, i)]).toBe(image[p.voxel]);
      });
      tf.dispose([batch.full, batch.context, batch.labels!]);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
    set.dispose();
  });
});
