/**
 * Tuning switches of the conv3d kernels.
 *
 * `staging` picks where the forward / input-gradient kernel reads source voxels from:
 *  - 'workgroup': the block's halo staged in workgroup memory (the GPU design: one global read per
 *    source value per block);
 *  - 'global':    straight from the storage buffer, vec4 over 4 channels when the channel count allows
 *    (no barriers; faster on CPU adapters such as SwiftShader, whose workgroup-memory loads are slow);
 *  - 'auto':      'global' on software adapters, 'workgroup' on GPUs (default).
 * The strided input gradient always stages.
 */
export type Staging = 'workgroup' | 'global';

export interface Conv3DKernelOptions {
  staging: 'auto' | Staging;
}

const options: Conv3DKernelOptions = { staging: 'auto' };

export function configureConv3DKernels(o: Partial<Conv3DKernelOptions>): void {
  Object.assign(options, o);
}

export function conv3dKernelOptions(): Readonly<Conv3DKernelOptions> {
  return options;
}

export function resolveStaging(software: boolean): Staging {
  if (options.staging !== 'auto') return options.staging;
  return software ? 'global' : 'workgroup';
}
