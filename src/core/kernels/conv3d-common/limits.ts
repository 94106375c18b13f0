import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { DEFAULT_LIMITS, type KernelLimits } from './tiling';

/** The device's own limits as the kernels need them (WebGPU minimums if the device does not say). */
export function kernelLimits(backend: WebGPUBackend): KernelLimits {
  const l = (backend as unknown as { device?: GPUDevice }).device?.limits;
  if (!l) return DEFAULT_LIMITS;
  return {
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
  };
}
