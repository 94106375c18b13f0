/**
 * The device limits the conv3d kernels tile for. `registerKernels(limits)` (called by `initBackend` with the
 * Device's limits) sets them; the kernels never read tfjs's backend internals. WebGPU's guaranteed minimums
 * (not software) until then.
 */
import { DEFAULT_LIMITS, type KernelLimits } from './tiling';

let configured: KernelLimits = DEFAULT_LIMITS;

export function setKernelLimits(limits: KernelLimits): void {
  configured = { ...limits };
}

/** The limits the kernels tile for now. */
export function kernelLimits(): KernelLimits {
  return configured;
}
