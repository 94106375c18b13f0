/**
 * Inference over whole volumes: sliding windows cut by the patch-sampler kernel (identity transform),
 * blending, streaming sinks (probabilities, argmax, p_true / error maps), and post-processing.
 * Probabilities are [nz, ny, nx, K] (NDHWC without the batch axis).
 */
export type { Predictor, SlidingWindowOptions } from './sliding-window';
export { slidingWindowStream, slidingWindowInference, predictLabels, errorMapFromInference } from './sliding-window';
export type { ProbabilitySink, ProbabilitySlab } from './sliding-window-sinks';
export { argmaxCollector, probabilityCollector, pTrueCollector } from './sliding-window-sinks';
export type { BlendMode, TilePlan, TileSizeRequest } from './sliding-window-plan';
export { chooseTileSize, chooseTileSizeForDevice, planTiles, tileStarts, blendWeights1d } from './sliding-window-plan';
export type { LabelArray, LargestComponentOptions } from './postprocess';
export { largestComponentPerClass } from './postprocess';
