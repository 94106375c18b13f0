/**
 * Fast WebGPU kernels registered over tfjs's built-ins for the `webgpu` backend.
 *
 *   registerFastKernels()   – idempotent; installs Conv3D, Conv3DBackpropInputV2, Conv3DBackpropFilterV2.
 *   restoreBuiltinKernels() – puts tfjs's own kernels back (the baseline in benchmarks).
 *   fastKernelsRegistered() – whether ours are installed now.
 *   configureConv3DKernels({ tuneFor }) – tune for 'gpu', 'cpu' (SwiftShader) or 'auto' (see conv3d-common/options.ts).
 *
 * Tensors are NDHWC: x [N, D, H, W, Cin], filter [KD, KH, KW, Cin, Cout].
 */
export { registerFastKernels, restoreBuiltinKernels, fastKernelsRegistered, FAST_KERNEL_NAMES } from './registry';
export { fastConv3D, fastConv3DConfig } from './conv3d/conv3d.kernel';
export { conv3dReference } from './conv3d/conv3d.reference';
export { configureConv3DKernels, conv3dKernelOptions, type Conv3DKernelOptions, type TuneFor } from './conv3d-common/options';
export { conv3dGeometry, conv3dMacs, type Conv3DGeometry, type Conv3DPad } from './conv3d-common/geometry';
