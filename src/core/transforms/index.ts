/** Public surface of src/core/transforms: GPU training set, patch sampling with augmentation, CPU reference. */
export {
  DEFAULT_AUGMENT,
  NO_AUGMENT,
  IDENTITY_INTENSITY,
  IDENTITY_MATRIX,
  drawPatchTransforms,
  identityTransforms,
  patchMatrix,
  rotationMatrix,
} from './augment';
export type { AugmentParams, IntensityTransform, PatchRequest, PatchTransform, PhotometricParams } from './augment';
export { GpuTrainingSet, packTrainingSet, uploadTrainingSet, uploadTrainingVolume } from './training-set';
export type { GpuTrainingVolume, LabelArray, PackedTrainingSet, TrainingSetEntry, TrainingVolumeInput } from './training-set';
export { cutPatches, packPatchParams, samplePatchBatch, samplePatchBatchReference } from './sample-patch-batch';
export type { HostPatchBatch, PatchBatch, PatchGeometry } from './sample-patch-batch';
export { syntheticVolume } from './synthetic-volume';
