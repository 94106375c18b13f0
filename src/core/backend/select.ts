import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { webgpuEntry } from '../env';
import { GpuErrorMonitor } from './gpu-errors';
import { registerKernels } from '../kernels/registry';

export type BackendName = 'webgpu' | 'webgl' | 'cpu';

/** What the rest of the workbench may rely on about the device (all sizes in bytes). */
export interface DeviceLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupsPerDimension: number;
}

export interface BackendInfo {
  name: BackendName;
  /** Adapter in words, e.g. "google swiftshader" or "nvidia ampere". */
  adapter: string;
  /** A plain sentence on why WebGPU is not in use; absent when it is. */
  reason?: string;
  limits?: DeviceLimits;
  /** True when the adapter is a software rasteriser (SwiftShader, llvmpipe, WARP). */
  software?: boolean;
}

export interface ActiveBackend {
  info: BackendInfo;
  /** Present on WebGPU only. */
  device?: GPUDevice;
  monitor?: GpuErrorMonitor;
}

let active: ActiveBackend | undefined;

/** The backend chosen by `initBackend` (throws if none was chosen yet). */
export function activeBackend(): ActiveBackend {
  if (!active) throw new Error('initBackend() has not run yet');
  return active;
}

function adapterWords(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  return parts.length ? [...new Set(parts)].join(' ') : 'unknown adapter';
}

function isSoftware(words: string): boolean {
  return /swiftshader|llvmpipe|lavapipe|warp|software|basic render/i.test(words);
}

function readLimits(l: GPUSupportedLimits): DeviceLimits {
  return {
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxBufferSize: l.maxBufferSize,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
  };
}

/**
 * Creates the WebGPU device ourselves (rather than through tfjs's factory) so that we can ask for the
 * adapter's full limits, watch it for errors and loss, and explain failures in words.
 */
async function tryWebGPU(): Promise<ActiveBackend | string> {
  const gpu = webgpuEntry();
  if (!gpu) return 'this browser does not expose WebGPU (navigator.gpu is missing; it needs a recent Chrome or Edge, or Firefox/Safari with WebGPU enabled, over https or localhost)';
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return `requesting a WebGPU adapter failed (${(e as Error).message})`;
  }
  if (!adapter) return 'the browser offers WebGPU but found no usable GPU adapter (the GPU may be blocklisted or disabled)';
  const al = adapter.limits;
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredFeatures,
      requiredLimits: {
        maxComputeWorkgroupStorageSize: al.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: al.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: al.maxStorageBufferBindingSize,
        maxBufferSize: al.maxBufferSize,
        maxComputeWorkgroupSizeX: al.maxComputeWorkgroupSizeX,
        maxComputeWorkgroupSizeY: al.maxComputeWorkgroupSizeY,
        maxComputeWorkgroupSizeZ: al.maxComputeWorkgroupSizeZ,
        maxComputeInvocationsPerWorkgroup: al.maxComputeInvocationsPerWorkgroup,
        maxStorageBuffersPerShaderStage: al.maxStorageBuffersPerShaderStage,
      },
    });
  } catch (e) {
    return `the WebGPU adapter refused to create a device (${(e as Error).message})`;
  }
  const adapterInfo = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const monitor = new GpuErrorMonitor(device);
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  // Our own factory: tfjs's default one would request a second device that nobody watches.
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapterInfo), 10);
  const ok = await tf.setBackend('webgpu');
  if (!ok) return 'tfjs could not start its WebGPU backend on this device';
  await tf.ready();
  // Our own ops, and our tiled conv3d kernels over tfjs's naive ones (src/core/kernels/registry.ts; benchmarks in bench/).
  registerKernels();
  const words = adapterWords(adapterInfo);
  return {
    info: { name: 'webgpu', adapter: words, limits: readLimits(device.limits), software: isSoftware(words) },
    device,
    monitor,
  };
}

async function tryTfBackend(name: 'webgl' | 'cpu'): Promise<ActiveBackend | string> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return `tfjs could not start its ${name} backend`;
    await tf.ready();
  } catch (e) {
    return `tfjs could not start its ${name} backend (${(e as Error).message})`;
  }
  let adapter = name === 'cpu' ? 'JavaScript on the CPU' : 'WebGL';
  if (name === 'webgl') {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } }).gpgpu?.gl;
    const r = gl?.getParameter(gl.RENDERER);
    if (typeof r === 'string') adapter = `WebGL: ${r}`;
  }
  return { info: { name, adapter } };
}

/**
 * Chooses the compute backend: WebGPU, else WebGL, else CPU (or only those in `order`).
 * Never throws: the CPU backend always works. `info.reason` explains why WebGPU is not used.
 */
export async function initBackend(order: BackendName[] = ['webgpu', 'webgl', 'cpu']): Promise<ActiveBackend> {
  const reasons: string[] = [];
  for (const name of order) {
    const r = name === 'webgpu' ? await tryWebGPU() : await tryTfBackend(name);
    if (typeof r !== 'string') {
      if (name !== 'webgpu') {
        const why = reasons.length ? reasons[0] : 'WebGPU was not requested';
        r.info.reason = `WebGPU is not used because ${why}.`;
      }
      active = r;
      return r;
    }
    reasons.push(r);
  }
  await tf.setBackend('cpu');
  active = { info: { name: 'cpu', adapter: 'JavaScript on the CPU', reason: `WebGPU is not used because ${reasons[0] ?? 'none was requested'}.` } };
  return active;
}

/** True when compute runs on a software adapter (SwiftShader and the like) or no backend was chosen yet. */
export function isSoftwareAdapter(): boolean {
  return active ? active.info.name !== 'webgpu' || active.info.software === true : true;
}
