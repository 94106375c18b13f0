import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { webgpuEntry } from '../env';
import { adapterWords, isSoftwareAdapterName } from './adapter';
import { Device, type BackendName, type DeviceLimits } from './device';
import { GpuErrorMonitor } from './gpu-errors';
import { registerKernels } from '../kernels/registry';
import { startWasmBackend, wasmAdapterWords } from './wasm';

export type { BackendInfo, BackendName, DeviceLimits } from './device';

/** The order `initBackend` tries backends in by default. */
export const DEFAULT_BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

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
async function tryWebGPU(): Promise<Device | string> {
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
  const words = adapterWords(adapterInfo);
  const info = { name: 'webgpu' as const, adapter: words, limits: readLimits(device.limits), software: isSoftwareAdapterName(words) };
  // Our own ops, and our tiled conv3d kernels over tfjs's naive ones, tuned for this device
  // (src/core/kernels/registry.ts; benchmarks in bench/).
  registerKernels({ ...info.limits, software: info.software });
  return new Device(info, device, monitor);
}

async function tryTfBackend(name: 'webgl' | 'cpu'): Promise<Device | string> {
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
  return new Device({ name, adapter });
}

async function tryWasm(): Promise<Device | string> {
  const r = await startWasmBackend();
  if (typeof r === 'string') return r;
  return new Device({ name: 'wasm', adapter: wasmAdapterWords(r) });
}

/** One try-function per backend: a started backend, or a sentence on why it could not start. */
const TRY: Record<BackendName, () => Promise<Device | string>> = {
  webgpu: tryWebGPU,
  wasm: tryWasm,
  webgl: () => tryTfBackend('webgl'),
  cpu: () => tryTfBackend('cpu'),
};

export interface InitBackendOptions {
  /**
   * Pass over a WebGPU adapter that is a software rasteriser (SwiftShader, llvmpipe) for the next backend
   * in the order: on the CPU, the `wasm` backend is tens of times faster. Node entry points set it; in a
   * browser a software adapter appears only when asked for with flags, so it is kept there.
   */
  skipSoftwareWebGPU?: boolean;
}

/**
 * Chooses the compute backend: WebGPU, else WebAssembly SIMD (`wasm`), else WebGL, else CPU (or only those
 * in `order`, in that order), and returns it as the Device the engine passes on. Never throws: the CPU
 * backend always works. `info.reason` explains why WebGPU is not used.
 */
export async function initBackend(order: readonly BackendName[] = DEFAULT_BACKEND_ORDER, opts: InitBackendOptions = {}): Promise<Device> {
  const reasons: string[] = [];
  for (const [i, name] of order.entries()) {
    let r = await TRY[name]();
    if (typeof r !== 'string' && name === 'webgpu' && r.info.software && opts.skipSoftwareWebGPU && i < order.length - 1) {
      r = `the only WebGPU adapter is a software rasteriser (${r.info.adapter}), slower on this CPU than WebAssembly`;
      tf.removeBackend('webgpu');
    }
    if (typeof r !== 'string') {
      if (name !== 'webgpu') {
        const why = reasons.length ? reasons[0] : 'WebGPU was not requested';
        r.info.reason = `WebGPU is not used because ${why}.`;
      }
      return r;
    }
    reasons.push(r);
  }
  await tf.setBackend('cpu');
  return new Device({ name: 'cpu', adapter: 'JavaScript on the CPU', reason: `WebGPU is not used because ${reasons[0] ?? 'none was requested'}.` });
}
