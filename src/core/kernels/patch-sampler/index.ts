/** Public surface of the patch-sampler kernel (most callers use src/core/transforms instead). */
export { PATCH_SAMPLER_KERNEL, patchSamplerConfig, runPatchSampler } from './patch-sampler.kernel';
export type { PatchSamplerInputs } from './patch-sampler.kernel';
export { CONTEXT_FACTOR, MATRIX_QUANTUM_BITS, patchSamplerLayout } from './patch-sampler.layout';
export type { PatchSamplerLayout, PatchSamplerSpec } from './patch-sampler.layout';
export { PatchSamplerProgram } from './patch-sampler.program';
export { patchSamplerReference } from './patch-sampler.reference';
