/**
 * Registration of the fast forward conv3d for the `webgpu` backend (kernel name `Conv3D`).
 * x: [N, D, H, W, Cin] NDHWC, filter: [KD, KH, KW, Cin, Cout] → y: [N, OD, OH, OW, Cout].
 */
import { Conv3D, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';
import type { Conv3DPad } from '../conv3d-common/geometry';
import { conv3dKernelStart, webgpuKernelConfig, type Triple, type WebGPUKernelArgs } from '../conv3d-common/kernel-types';
import { Conv3DProgram } from './conv3d.program';

export interface Conv3DAttrs {
  strides: Triple;
  pad: Conv3DPad;
  dilations: Triple;
  dataFormat?: 'NDHWC' | 'NCDHW';
}

export function fastConv3D(args: WebGPUKernelArgs<'x' | 'filter', Conv3DAttrs>): TensorInfo {
  const { inputs: { x, filter }, backend, attrs } = args;
  const { g, limits } = conv3dKernelStart('Conv3D', { x, filter }, { x: x.shape, filter: filter.shape, strides: attrs.strides, dilations: attrs.dilations ?? 1, pad: attrs.pad });
  const program = new Conv3DProgram(g, limits);
  return backend.runWebGPUProgram(program, [x, filter], 'float32', program.uniformData);
}

export const fastConv3DConfig: KernelConfig = webgpuKernelConfig(Conv3D, fastConv3D);
