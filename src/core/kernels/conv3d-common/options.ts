/**
 * Tuning switch of the conv3d kernels: which kind of adapter the tiles are chosen for.
 *
 *  - 'gpu': the source block's halo is staged in workgroup memory (one global read per source value
 *    per block; not for fewer than 4 output channels), 4 voxels × ≤ 16 channels per thread, and the
 *    filter gradient stages halos too;
 *  - 'cpu': for CPU adapters such as SwiftShader, whose workgroup-memory loads and barriers are slow
 *    and where every load is a per-lane gather: sources read straight from the storage buffer (vec4
 *    over 4 channels when the count allows), up to 12 voxels × 20 channels per thread, and a filter
 *    gradient that walks output rows without workgroup memory;
 *  - 'auto' (default): 'cpu' on software adapters, 'gpu' otherwise.
 * The strided input gradient always stages in workgroup memory.
 */
export type TuneFor = 'gpu' | 'cpu';

export interface Conv3DKernelOptions {
  tuneFor: 'auto' | TuneFor;
  /**
   * Most workgroup memory (bytes) one workgroup may use, below the device's limit and 32 KiB
   * (smaller halos mean more workgroups per core on GPUs; tests use it to force channel chunking).
   */
  maxWorkgroupBytes: number;
}

const options: Conv3DKernelOptions = { tuneFor: 'auto', maxWorkgroupBytes: 32768 };

export function configureConv3DKernels(o: Partial<Conv3DKernelOptions>): void {
  Object.assign(options, o);
}

export function conv3dKernelOptions(): Readonly<Conv3DKernelOptions> {
  return options;
}

/** Workgroup memory the kernels may use, in f32 elements. */
export function workgroupBudgetFloats(deviceLimitBytes: number): number {
  return Math.floor(Math.min(deviceLimitBytes, 32768, options.maxWorkgroupBytes) / 4);
}

export function resolveTuning(software: boolean | undefined): TuneFor {
  if (options.tuneFor !== 'auto') return options.tuneFor;
  return software ? 'cpu' : 'gpu';
}
