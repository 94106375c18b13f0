/**
 * Registration of the fast forward conv3d for the `webgpu` backend (kernel name `Conv3D`).
 * x: [N, D, H, W, Cin] NDHWC, filter: [KD, KH, KW, Cin, Cout] → y: [N, OD, OH, OW, Cout].
 */
import { Conv3D, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { conv3dGeometry, type Conv3DPad } from '../conv3d-common/geometry';
import { assertFloat32, type Triple, type WebGPUKernelArgs } from '../conv3d-common/kernel-types';
import { kernelLimits } from '../conv3d-common/limits';
import { Conv3DProgram } from './conv3d.program';

export interface Conv3DAttrs {
  strides: Triple;
  pad: Conv3DPad;
  dilations: Triple;
  dataFormat?: 'NDHWC' | 'NCDHW';
}

export function fastConv3D(args: WebGPUKernelArgs<'x' | 'filter', Conv3DAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs;
  assertFloat32('Conv3D', { x, filter });
  const g = conv3dGeometry(x.shape, filter.shape, attrs.strides, attrs.dilations ?? 1, attrs.pad);
  const program = new Conv3DProgram(g, kernelLimits());
  return backend.runWebGPUProgram(program, [x, filter], 'float32', program.uniformData);
}

export const fastConv3DConfig: KernelConfig = {
  kernelName: Conv3D,
  backendName: 'webgpu',
  kernelFunc: fastConv3D as unknown as KernelFunc,
};
