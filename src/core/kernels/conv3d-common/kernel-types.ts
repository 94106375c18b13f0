import type { TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/** What tfjs hands a kernel function (typed for the WebGPU backend). */
export interface WebGPUKernelArgs<I extends string, A> {
  inputs: Record<I, TensorInfo>;
  backend: WebGPUBackend;
  attrs: A;
}

export type Triple = number | [number, number, number];
