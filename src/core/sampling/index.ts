/** Public surface of src/core/sampling: class-balanced uniform sampler, isample, error maps. */
export { buildClassIndex, voxelCoords } from './class-index';
export type { ClassIndex, LabelledImage } from './class-index';
export { ErrorMapStore } from './error-map-store';
export { UniformSampler } from './uniform-sampler';
export type { UniformSamplerOptions } from './uniform-sampler';
export { ISampler } from './isampler';
export type { ISamplerOptions } from './isampler';
export type { BatchPlanOptions, SampledBatch, SampledPatch, SamplerStats } from './proposals';
