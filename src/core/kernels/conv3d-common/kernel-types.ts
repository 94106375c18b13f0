import type { TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { WorkbenchError } from '../../errors';

/** What tfjs hands a kernel function (typed for the WebGPU backend). */
export interface WebGPUKernelArgs<I extends string, A> {
  inputs: Record<I, TensorInfo>;
  backend: WebGPUBackend;
  attrs: A;
}

export type Triple = number | [number, number, number];

/** The fast kernels compute in f32 and bind their inputs as f32 arrays. */
export function assertFloat32(op: string, tensors: Record<string, TensorInfo>): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32') {
      throw new WorkbenchError('bad-argument', `${op}: input "${name}" is ${t.dtype}; the WebGPU conv3d kernels take float32 tensors (cast it first)`);
    }
  }
}
