/**
 * Cuts a batch of training patches (or inference tiles) from a `GpuTrainingSet` in one GPU dispatch:
 * full-res inputs float32 NDHWC `[N, F, F, F, 1]`, context inputs float32 NDHWC `[N, C, C, C, 1]`
 * and labels int32 `[N, O, O, O]`, with F = O + 2·rFull and C = O/4 + 2·rContext.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random';
import { runPatchSampler } from '../kernels/patch-sampler/patch-sampler.kernel';
import {
  MAX_MATRIX_ENTRY,
  PATCH_FLOAT,
  PATCH_FLOAT_COLUMNS,
  PATCH_INT,
  PATCH_INT_COLUMNS,
  patchSamplerLayout,
  type PatchSamplerLayout,
  type PatchSamplerSpec,
} from '../kernels/patch-sampler/patch-sampler.layout';
import { patchSamplerReference } from '../kernels/patch-sampler/patch-sampler.reference';
import { drawPatchTransforms, type AugmentParams, type PatchRequest, type PatchTransform } from './augment';
import { packTrainingSet, type GpuTrainingSet, type PackedTrainingSet, type TrainingSetEntry, type TrainingVolumeInput } from './training-set';
import { WorkbenchError } from '../errors';

/** The network's patch geometry (a subset of `net.geometry(O)`). */
export interface PatchGeometry {
  /** O, a multiple of 4. */
  outputSize: number;
  rFull: number;
  rContext: number;
}

export interface PatchBatch {
  /** float32 NDHWC [N, F, F, F, 1]. */
  full: tf.Tensor5D;
  /** float32 NDHWC [N, C, C, C, 1]. */
  context: tf.Tensor5D;
  /** int32 [N, O, O, O]; absent when labels were not requested. */
  labels?: tf.Tensor4D;
  transforms: PatchTransform[];
}

export interface HostPatchBatch {
  /** [N, F, F, F] x fastest. */
  full: Float32Array;
  /** [N, C, C, C] x fastest. */
  context: Float32Array;
  /** [N, O, O, O] x fastest; empty when labels were not requested. */
  labels: Int32Array;
  layout: PatchSamplerLayout;
}

/** The per-patch parameter tables the kernel reads: float32 [N, 16] and int32 [N, 8]. */
export function packPatchParams(entries: readonly TrainingSetEntry[], transforms: readonly PatchTransform[]): { patchF: Float32Array; patchI: Int32Array } {
  const patchF = new Float32Array(transforms.length * PATCH_FLOAT_COLUMNS);
  const patchI = new Int32Array(transforms.length * PATCH_INT_COLUMNS);
  transforms.forEach((t, p) => {
    const e = entries[t.image];
    if (!e) throw new WorkbenchError('bad-argument', `Patch ${p} asks for training volume ${t.image}; the set holds ${entries.length}.`);
    if (t.matrix.length !== 9 || t.matrix.some((m) => !(Math.abs(m) <= MAX_MATRIX_ENTRY))) {
      throw new WorkbenchError('bad-argument', `Patch ${p}'s transform [${t.matrix.map((m) => m.toFixed(3))}] needs 9 entries of magnitude ≤ ${MAX_MATRIX_ENTRY}.`);
    }
    const f = p * PATCH_FLOAT_COLUMNS;
    patchF.set(t.matrix, f + PATCH_FLOAT.matrix);
    patchF.set(t.centre, f + PATCH_FLOAT.centre);
    patchF[f + PATCH_FLOAT.scale] = t.intensity.scale;
    patchF[f + PATCH_FLOAT.shift] = t.intensity.shift;
    patchF[f + PATCH_FLOAT.gamma] = t.intensity.gamma;
    patchF[f + PATCH_FLOAT.noiseSigma] = t.intensity.noiseSigma;
    const i = p * PATCH_INT_COLUMNS;
    patchI[i + PATCH_INT.imageOffset] = e.imageOffset;
    patchI[i + PATCH_INT.labelOffset] = e.labelOffset;
    patchI.set(e.dims, i + PATCH_INT.dims);
    patchI[i + PATCH_INT.noiseSeed] = t.intensity.noiseSeed | 0;
  });
  return { patchF, patchI };
}

function specFor(set: { air: number; valueRange: { min: number; max: number } }, n: number, geom: PatchGeometry, withLabels: boolean): PatchSamplerSpec {
  return { batch: n, outputSize: geom.outputSize, rFull: geom.rFull, rContext: geom.rContext, withLabels, air: set.air, valueMin: set.valueRange.min, valueMax: set.valueRange.max };
}

function splitFlat(flat: tf.Tensor1D, layout: PatchSamplerLayout, n: number, o: number, withLabels: boolean): Omit<PatchBatch, 'transforms'> {
  return tf.tidy(() => {
    const f = layout.fullSize;
    const c = layout.contextSize;
    const full = tf.slice(flat, [0], [layout.fullCount]).reshape([n, f, f, f, 1]) as tf.Tensor5D;
    const context = tf.slice(flat, [layout.fullCount], [layout.contextCount]).reshape([n, c, c, c, 1]) as tf.Tensor5D;
    if (!withLabels) return { full, context };
    const labels = tf.slice(flat, [layout.fullCount + layout.contextCount], [layout.labelCount]).toInt().reshape([n, o, o, o]) as tf.Tensor4D;
    return { full, context, labels };
  });
}

/**
 * Cuts patches with the given transforms (one dispatch on WebGPU; the CPU reference elsewhere).
 * The caller disposes the returned tensors. `withLabels` defaults to true.
 */
export function cutPatches(set: GpuTrainingSet, transforms: readonly PatchTransform[], geom: PatchGeometry, opts: { withLabels?: boolean } = {}): PatchBatch {
  if (set.isDisposed) throw new WorkbenchError('bad-argument', 'The training set was disposed; upload the volumes again.');
  const withLabels = opts.withLabels ?? true;
  const n = transforms.length;
  const spec = specFor(set, n, geom, withLabels);
  const layout = patchSamplerLayout(spec);
  const { patchF, patchI } = packPatchParams(set.entries, transforms);
  let flat: tf.Tensor1D;
  if (set.image && set.labels) {
    const pf = tf.tensor2d(patchF, [n, PATCH_FLOAT_COLUMNS], 'float32');
    const pi = tf.tensor2d(patchI, [n, PATCH_INT_COLUMNS], 'int32');
    flat = runPatchSampler({ image: set.image, labels: set.labels, patchF: pf, patchI: pi }, spec);
    tf.dispose([pf, pi]);
  } else {
    const host = set.host as PackedTrainingSet;
    flat = tf.tensor1d(patchSamplerReference(host.image, host.labels, patchF, patchI, spec));
  }
  const parts = splitFlat(flat, layout, n, geom.outputSize, withLabels);
  flat.dispose();
  return { ...parts, transforms: [...transforms] };
}

/** Draws augmentation for each request from `rng`, then cuts the batch (see `cutPatches`). */
export function samplePatchBatch(set: GpuTrainingSet, requests: readonly PatchRequest[], geom: PatchGeometry, aug: AugmentParams, rng: Rng): PatchBatch {
  const transforms = drawPatchTransforms(requests, (i) => set.entry(i).spacing, aug, rng);
  return cutPatches(set, transforms, geom);
}

function isPacked(v: readonly TrainingVolumeInput[] | PackedTrainingSet): v is PackedTrainingSet {
  return !Array.isArray(v);
}

/** The same batch on the CPU (float64 arithmetic) from host volumes, for parity tests. */
export function samplePatchBatchReference(
  volumes: readonly TrainingVolumeInput[] | PackedTrainingSet,
  transforms: readonly PatchTransform[],
  geom: PatchGeometry,
  opts: { withLabels?: boolean; valueRange?: { min: number; max: number } } = {},
): HostPatchBatch {
  const packed: PackedTrainingSet = isPacked(volumes) ? volumes : packTrainingSet(volumes, { valueRange: opts.valueRange });
  const withLabels = opts.withLabels ?? true;
  const spec = specFor(packed, transforms.length, geom, withLabels);
  const layout = patchSamplerLayout(spec);
  const { patchF, patchI } = packPatchParams(packed.entries, transforms);
  const flat = patchSamplerReference(packed.image, packed.labels, patchF, patchI, spec);
  const full = flat.slice(0, layout.fullCount);
  const context = flat.slice(layout.fullCount, layout.fullCount + layout.contextCount);
  const labels = Int32Array.from(flat.subarray(layout.fullCount + layout.contextCount));
  return { full, context, labels, layout };
}
