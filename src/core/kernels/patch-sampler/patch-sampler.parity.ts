/**
 * The patch sampler's parity table (WebGPU program against its plain-TS reference) and one run of a case:
 * used by its unit test and by the GPU kit's parity runner (scripts/gpu-kit/parity.ts).
 * Tolerances: labels exact (source coordinates are exact in float32, see MATRIX_QUANTUM_BITS);
 * images |GPU − reference| ≤ 1e-5 in scaled units (values lie in about ±4.6; 1e-5 is 0.002 HU);
 * with gamma/noise ≤ 5e-4 (float32 pow/log/cos against float64).
 */
import * as tf from '@tensorflow/tfjs';
import type { Vec3 } from '../../data/volume';
import { Rng } from '../../random';
import { DEFAULT_AUGMENT, drawPatchTransforms, identityTransforms, patchMatrix, type AugmentParams, type PatchTransform } from '../../transforms/augment';
import { packPatchParams } from '../../transforms/sample-patch-batch';
import { syntheticVolume } from '../../transforms/synthetic-volume';
import { packTrainingSet, type PackedTrainingSet, type TrainingVolumeInput } from '../../transforms/training-set';
import { runPatchSampler } from './patch-sampler.kernel';
import { PATCH_FLOAT_COLUMNS, PATCH_INT_COLUMNS, patchSamplerLayout, type PatchSamplerSpec } from './patch-sampler.layout';
import { patchSamplerReference } from './patch-sampler.reference';

export const PATCH_SAMPLER_PARITY_GEOM = { outputSize: 8, rFull: 3, rContext: 2 };

export const PATCH_SAMPLER_VOLUMES: TrainingVolumeInput[] = [
  syntheticVolume({ dims: [21, 17, 13], seed: 1, spacing: [1, 1, 1] }),
  syntheticVolume({ dims: [15, 19, 11], seed: 2, spacing: [0.8, 0.8, 2.5] }),
  syntheticVolume({ dims: [12, 12, 12], seed: 3, withLabels: false }),
];

const photometric: AugmentParams = {
  ...DEFAULT_AUGMENT,
  photometric: { enabled: true, scale: [0.8, 1.2], shift: [-0.3, 0.3], gamma: [0.7, 1.4], noiseSigma: [0.05, 0.2] },
};

export interface PatchSamplerParityCase {
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

const spacingOf = (i: number) => PATCH_SAMPLER_VOLUMES[i].spacing ?? ([1, 1, 1] as Vec3);

export const PATCH_SAMPLER_CASES: PatchSamplerParityCase[] = [
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


/** The training set of the parity table: packed on the CPU, and the same uploaded as tensors. */
export function patchSamplerParitySet(): { packed: PackedTrainingSet; image: tf.Tensor1D; labels: tf.Tensor1D } {
  const packed = packTrainingSet(PATCH_SAMPLER_VOLUMES, { valueRange: { min: -1000 / 218, max: 1000 / 218 } });
  return { packed, image: tf.tensor1d(packed.image), labels: tf.tensor1d(packed.labels, 'int32') };
}

export interface PatchSamplerParityRun {
  length: number;
  expectedLength: number;
  maxImageErr: number;
  labelMismatches: number;
  labelCount: number;
  nonzeroLabels: number;
  /** Distinct values in the full-resolution image block (proves the GPU computed something). */
  distinct: number;
  withLabels: boolean;
}

export async function patchSamplerParityRun(c: PatchSamplerParityCase, set: ReturnType<typeof patchSamplerParitySet>): Promise<PatchSamplerParityRun> {
  const { packed, image, labels } = set;
  const transforms = c.transforms(new Rng(42));
  const withLabels = c.withLabels ?? true;
  const spec: PatchSamplerSpec = { batch: transforms.length, ...PATCH_SAMPLER_PARITY_GEOM, withLabels, air: packed.air, valueMin: packed.valueRange.min, valueMax: packed.valueRange.max };
  const { patchF, patchI } = packPatchParams(packed.entries, transforms);
  const pf = tf.tensor2d(patchF, [spec.batch, PATCH_FLOAT_COLUMNS]);
  const pi = tf.tensor2d(patchI, [spec.batch, PATCH_INT_COLUMNS], 'int32');
  const out = runPatchSampler({ image, labels, patchF: pf, patchI: pi }, spec);
  const gpu = await out.data();
  tf.dispose([pf, pi, out]);
  const ref = patchSamplerReference(packed.image, packed.labels, patchF, patchI, spec);
  const layout = patchSamplerLayout(spec);
  let maxImageErr = 0;
  const n = Math.min(gpu.length, ref.length);
  for (let i = 0; i < Math.min(n, layout.fullCount + layout.contextCount); i++) maxImageErr = Math.max(maxImageErr, Math.abs(gpu[i] - ref[i]));
  let labelMismatches = 0;
  let nonzeroLabels = 0;
  for (let i = layout.fullCount + layout.contextCount; i < Math.min(n, layout.total); i++) {
    if (gpu[i] !== ref[i]) labelMismatches++;
    if (ref[i] !== 0) nonzeroLabels++;
  }
  const distinct = new Set(Array.from(gpu.subarray(0, layout.fullCount))).size;
  return { length: gpu.length, expectedLength: layout.total, maxImageErr, labelMismatches, labelCount: layout.labelCount, nonzeroLabels, distinct, withLabels };
}

/** Pass: right length, images within the case's tolerance, labels exact, and real work done. */
export const patchSamplerParityPassed = (c: PatchSamplerParityCase, r: PatchSamplerParityRun): boolean =>
  r.length === r.expectedLength && r.maxImageErr <= c.tol && r.labelMismatches === 0 && r.distinct > 20 && (!r.withLabels || r.nonzeroLabels > 0);
