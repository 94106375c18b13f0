import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { WorkbenchError } from '../../errors';
import { conv3dGeometry, type Conv3DGeometry, type Conv3DPad } from './geometry';
import { kernelLimits } from './limits';
import type { KernelLimits } from './tiling';

/** What tfjs hands a kernel function (typed for the WebGPU backend). */
export interface WebGPUKernelArgs<I extends string, A> {
  inputs: Record<I, TensorInfo>;
  backend: WebGPUBackend;
  attrs: A;
}

export type Triple = number | [number, number, number];

/** The attributes of tfjs's conv3d gradient kernels: strides, padding and the shape (`K`) of the result. */
export type Conv3DGradAttrs<K extends string> = { strides: Triple; pad: Conv3DPad } & Record<K, [number, number, number, number, number]>;

/** The fast kernels compute in f32 and bind their inputs as f32 arrays. */
export function assertFloat32(op: string, tensors: Record<string, TensorInfo>): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32') {
      throw new WorkbenchError('bad-argument', `${op}: input "${name}" is ${t.dtype}; the WebGPU conv3d kernels take float32 tensors (cast it first)`);
    }
  }
}

/**
 * The start of every fast conv3d kernel: its inputs must be float32; the convolution's geometry (x shape,
 * filter shape, strides, dilations, padding) and the limits the kernels tile for.
 */
export function conv3dKernelStart(
  op: string,
  inputs: Record<string, TensorInfo>,
  conv: { x: number[]; filter: number[]; strides: Triple; dilations: Triple; pad: Conv3DPad },
): { g: Conv3DGeometry; limits: KernelLimits } {
  assertFloat32(op, inputs);
  return { g: conv3dGeometry(conv.x, conv.filter, conv.strides, conv.dilations, conv.pad), limits: kernelLimits() };
}

/** The `webgpu` config of a fast kernel function. */
export function webgpuKernelConfig<I extends string, A>(kernelName: string, kernelFunc: (args: WebGPUKernelArgs<I, A>) => TensorInfo): KernelConfig {
  return { kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc };
}

/**
 * Runs `program` on `inputs` (float32) into an intermediate tensor, hands it to `then` (the next pass),
 * and disposes it once that pass is queued; returns what `then` returns.
 */
export function throughIntermediate(
  backend: WebGPUBackend,
  program: Parameters<WebGPUBackend['runWebGPUProgram']>[0],
  inputs: TensorInfo[],
  uniforms: Parameters<WebGPUBackend['runWebGPUProgram']>[3],
  then: (mid: TensorInfo) => TensorInfo,
): TensorInfo {
  const mid = backend.runWebGPUProgram(program, inputs, 'float32', uniforms);
  const out = then(mid);
  backend.disposeData(mid.dataId);
  return out;
}
