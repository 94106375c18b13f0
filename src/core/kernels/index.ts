/**
 * Fast WebGPU kernels registered over tfjs's built-ins for the `webgpu` backend.
 *
 *   registerKernels()       – idempotent; installs all of them: our own ops (dropout, column sums, patch sampler)
 *                             and Conv3D, Conv3DBackpropInputV2, Conv3DBackpropFilterV2 over tfjs's (registry.ts).
 *   registerFastKernels()   – installs the three conv3d kernels only.
 *   restoreBuiltinKernels() – puts tfjs's own kernels back (the baseline in benchmarks).
 *   fastKernelsRegistered() – whether ours are installed now.
 *   configureConv3DKernels({ tuneFor }) – tune for 'gpu', 'cpu' (SwiftShader) or 'auto' (see conv3d-common/options.ts).
 *
 * Tensors are NDHWC: x [N, D, H, W, Cin], filter [KD, KH, KW, Cin, Cout].
 */
export { registerKernels, kernelsRegistered, registerFastKernels, restoreBuiltinKernels, fastKernelsRegistered, FAST_KERNEL_NAMES, OWN_KERNEL_NAMES } from './registry';
export { dropout } from './dropout/dropout.kernel';
export { columnSums, columnSumsOp } from './column-sums/column-sums.kernel';
export { fastConv3D, fastConv3DConfig } from './conv3d/conv3d.kernel';
export { fastConv3DBackpropInput, fastConv3DBackpropInputConfig } from './conv3d-backprop-input/conv3d-backprop-input.kernel';
export { fastConv3DBackpropFilter, fastConv3DBackpropFilterConfig } from './conv3d-backprop-filter/conv3d-backprop-filter.kernel';
export { conv3dReference, type ReferenceResult } from './conv3d/conv3d.reference';
export { conv3dBackpropInputReference } from './conv3d-backprop-input/conv3d-backprop-input.reference';
export { conv3dBackpropFilterReference } from './conv3d-backprop-filter/conv3d-backprop-filter.reference';
export { configureConv3DKernels, conv3dKernelOptions, type Conv3DKernelOptions, type TuneFor } from './conv3d-common/options';
export { conv3dGeometry, conv3dMacs, type Conv3DGeometry, type Conv3DPad } from './conv3d-common/geometry';
