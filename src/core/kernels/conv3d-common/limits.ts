import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { DEFAULT_LIMITS, type KernelLimits } from './tiling';

/** The device's own limits as the kernels need them (WebGPU minimums if the device does not say). */
export function kernelLimits(backend: WebGPUBackend): KernelLimits {
  const b = backend as unknown as { device?: GPUDevice; adapterInfo?: { vendor?: string; architecture?: string } };
  const l = b.device?.limits;
  const words = `${b.adapterInfo?.vendor ?? ''} ${b.adapterInfo?.architecture ?? ''}`;
  const software = /swiftshader|llvmpipe|lavapipe|warp|software/i.test(words);
  if (!l) return { ...DEFAULT_LIMITS, software };
  return {
    software,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
  };
}
