/**
 * Parity of the patch-sampler WGSL program with its plain-TS reference on real WebGPU (Dawn).
 * Tolerances: labels exact (source coordinates are exact in float32, see MATRIX_QUANTUM_BITS);
 * images |GPU − reference| ≤ 1e-5 in scaled units (values lie in about ±4.6; 1e-5 is 0.002 HU);
 * with gamma/noise ≤ 5e-4 (float32 pow/log/cos against float64).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../../testing/gpu';
import type { Device } from '../../backend/device';
import type { Vec3 } from '../../data/volume';
import { Rng } from '../../random';
import { DEFAULT_AUGMENT, drawPatchTransforms, identityTransforms, patchMatrix, type AugmentParams, type PatchTransform } from '../../transforms/augment';
import { packPatchParams } from '../../transforms/sample-patch-batch';
import { syntheticVolume } from '../../transforms/synthetic-volume';
import { packTrainingSet, type TrainingVolumeInput } from '../../transforms/training-set';
import { runPatchSampler } from './patch-sampler.kernel';
import { PATCH_FLOAT_COLUMNS, PATCH_INT_COLUMNS, patchSamplerLayout, type PatchSamplerSpec } from './patch-sampler.layout';
import { patchSamplerReference } from './patch-sampler.reference';

const GEOM = { outputSize: 8, rFull: 3, rContext: 2 };

const VOLUMES: TrainingVolumeInput[] = [
  syntheticVolume({ dims: [21, 17, 13], seed: 1, spacing: [1, 1, 1] }),
  syntheticVolume({ dims: [15, 19, 11], seed: 2, spacing: [0.8, 0.8, 2.5] }),
  syntheticVolume({ dims: [12, 12, 12], seed: 3, withLabels: false }),
];

const photometric: AugmentParams = {
  ...DEFAULT_AUGMENT,
  photometric: { enabled: true, scale: [0.8, 1.2], shift: [-0.3, 0.3], gamma: [0.7, 1.4], noiseSigma: [0.05, 0.2] },
};

interface Case {
  name: string;
  transforms: (rng: Rng) => PatchTransform[];
  tol: number;
  withLabels?: boolean;
}

const CENTRES: { image: number; centre: Vec3 }[] = [
  { image: 0, centre: [10, 8, 6] },
  { image: 1, centre: [2, 17, 0] },
  { image: 0, centre: [20, 0, 12] },
  { image: 2, centre: [6, 6, 6] },
];

const spacingOf = (i: number) => VOLUMES[i].spacing ?? ([1, 1, 1] as Vec3);

const CASES: Case[] = [
  { name: 'identity, inside and across borders', transforms: () => identityTransforms(CENTRES), tol: 1e-5 },
  { name: 'identity without labels block', transforms: () => identityTransforms(CENTRES), tol: 1e-5, withLabels: false },
  {
    name: 'rotations only',
    transforms: (rng) => drawPatchTransforms(CENTRES, spacingOf, { ...DEFAULT_AUGMENT, rotation: { enabled: true, maxDegrees: [40, 25, 25] }, scaling: { enabled: false, maxSpacingDeltaMm: 0 } }, rng),
    tol: 1e-5,
  },
  { name: 'scalings only', transforms: (rng) => drawPatchTransforms(CENTRES, spacingOf, { ...DEFAULT_AUGMENT, rotation: { enabled: false, maxDegrees: [0, 0, 0] }, scaling: { enabled: true, maxSpacingDeltaMm: 0.3 } }, rng), tol: 1e-5 },
  { name: 'paper augmentation (rotation + spacing jitter)', transforms: (rng) => drawPatchTransforms(CENTRES, spacingOf, DEFAULT_AUGMENT, rng), tol: 1e-5 },
  {
    name: 'large rotation and zoom far across the border',
    transforms: () =>
      ([[0, 16, 3], [10, 8, 6]] as Vec3[]).map((centre) => ({
        image: 0,
        centre,
        matrix: patchMatrix({ degreesZYX: [60, -30, 45], patchSpacing: [1.4, 0.7, 1.1], sourceSpacing: [1, 1, 1] }),
        intensity: { scale: 1, shift: 0, gamma: 1, noiseSigma: 0, noiseSeed: 0 },
      })),
    tol: 1e-5,
  },
  { name: 'photometric: gamma, scale, shift, noise', transforms: (rng) => drawPatchTransforms(CENTRES, spacingOf, photometric, rng), tol: 5e-4 },
];

describe('patch sampler kernel parity (WebGPU vs reference)', () => {
  let b: Device;
  const packed = packTrainingSet(VOLUMES, { valueRange: { min: -1000 / 218, max: 1000 / 218 } });
  let image: tf.Tensor1D;
  let labels: tf.Tensor1D;
  beforeAll(async () => {
    b = await webgpuForTests();
    image = tf.tensor1d(packed.image);
    labels = tf.tensor1d(packed.labels, 'int32');
  });

  it.each(CASES)('$name', async (c) => {
    b.monitor!.clear();
    const transforms = c.transforms(new Rng(42));
    const withLabels = c.withLabels ?? true;
    const spec: PatchSamplerSpec = { batch: transforms.length, ...GEOM, withLabels, air: packed.air, valueMin: packed.valueRange.min, valueMax: packed.valueRange.max };
    const { patchF, patchI } = packPatchParams(packed.entries, transforms);
    await b.run(`patch sampler parity: ${c.name}`, async () => {
      const pf = tf.tensor2d(patchF, [spec.batch, PATCH_FLOAT_COLUMNS]);
      const pi = tf.tensor2d(patchI, [spec.batch, PATCH_INT_COLUMNS], 'int32');
      const out = runPatchSampler({ image, labels, patchF: pf, patchI: pi }, spec);
      const gpu = await out.data();
      tf.dispose([pf, pi, out]);
      const ref = patchSamplerReference(packed.image, packed.labels, patchF, patchI, spec);
      const layout = patchSamplerLayout(spec);
      expect(gpu.length).toBe(layout.total);
      let maxImageErr = 0;
      for (let i = 0; i < layout.fullCount + layout.contextCount; i++) maxImageErr = Math.max(maxImageErr, Math.abs(gpu[i] - ref[i]));
      let labelMismatches = 0;
      let nonzeroLabels = 0;
      for (let i = layout.fullCount + layout.contextCount; i < layout.total; i++) {
        if (gpu[i] !== ref[i]) labelMismatches++;
        if (ref[i] !== 0) nonzeroLabels++;
      }
      console.log(`[patch-sampler parity] ${c.name}: max |image error| ${maxImageErr.toExponential(2)}, label mismatches ${labelMismatches}/${layout.labelCount}`);
      expect(maxImageErr).toBeLessThanOrEqual(c.tol);
      expect(labelMismatches).toBe(0);
      // The GPU really computed: the image blocks vary and (with labels) the matched labels include foreground.
      const distinct = new Set(Array.from(gpu.subarray(0, layout.fullCount))).size;
      expect(distinct).toBeGreaterThan(20);
      if (withLabels) expect(nonzeroLabels).toBeGreaterThan(0);
    });
  });
});
