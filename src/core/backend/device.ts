/**
 * The compute device the engine runs on, as one object that `initBackend` returns and the engine passes
 * to whatever runs GPU work (training steps, inference, tile sizes, the trainer's default preset), as it
 * passes `now`: nothing reads the backend from module state.
 *
 * A Device knows its backend's name, the adapter in words, its limits (bytes; WebGPU only), whether compute
 * runs on the CPU (`software`: a software adapter such as SwiftShader, or a non-WebGPU backend), and runs
 * GPU work with `run(label, fn)`: on WebGPU inside validation and out-of-memory error scopes that it pops
 * (awaited, so the errors of the work are known when `run` settles: no sleeping before a check) and turns
 * into a typed `WorkbenchError`; on other backends `run` just runs `fn`.
 */
import type { GpuErrorMonitor } from './gpu-errors';

/** The tfjs backends the workbench chooses between (see select.ts; one try-function each). */
export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

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
  /** True when the adapter is a software rasteriser (SwiftShader, llvmpipe, WARP); see adapter.ts. */
  software?: boolean;
}

export class Device {
  /**
   * @param info what select.ts found
   * @param gpu the GPUDevice (WebGPU only)
   * @param monitor watches `gpu` for uncaptured errors and loss (WebGPU only)
   */
  constructor(
    readonly info: BackendInfo,
    readonly gpu?: GPUDevice,
    readonly monitor?: GpuErrorMonitor,
  ) {}

  get name(): BackendName {
    return this.info.name;
  }

  /** The device's limits in bytes (WebGPU only; undefined elsewhere). */
  get limits(): DeviceLimits | undefined {
    return this.info.limits;
  }

  /** True when compute runs on the CPU: a software WebGPU adapter, or any backend other than WebGPU. */
  get software(): boolean {
    return this.info.name !== 'webgpu' || this.info.software === true;
  }

  /**
   * Runs `fn` (which should await its results, e.g. `data()`) and settles once the device has judged every
   * GPU command it issued: a validation error, out-of-memory or device loss during it rejects with a typed
   * WorkbenchError naming `label` ("training step 12"), instead of leaving zeros in the results. Without a
   * GPUDevice it just runs `fn`.
   *
   * Scopes are per device, not per caller: two runs that overlap in time share them, so an error is
   * reported by one of them (not necessarily its own); none goes unreported.
   */
  async run<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
    if (!this.monitor) return fn();
    return this.monitor.scoped(label, async () => fn());
  }
}
