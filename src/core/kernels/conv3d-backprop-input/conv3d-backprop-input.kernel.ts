/**
 * Registration of the fast conv3d input gradient for `webgpu` (kernel name `Conv3DBackpropInputV2`).
 * dy: [N, OD, OH, OW, Cout], filter: [KD, KH, KW, Cin, Cout] → dx: inputShape [N, D, H, W, Cin].
 */
import { Conv3DBackpropInputV2, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { conv3dGeometry, type Conv3DPad } from '../conv3d-common/geometry';
import { assertFloat32, type Triple, type WebGPUKernelArgs } from '../conv3d-common/kernel-types';
import { kernelLimits } from '../conv3d-common/limits';
import { backpropInputFilterProgram, Conv3DBackpropInputProgram } from './conv3d-backprop-input.program';

export interface Conv3DBackpropInputAttrs {
  strides: Triple;
  pad: Conv3DPad;
  inputShape: [number, number, number, number, number];
}

export function fastConv3DBackpropInput(args: WebGPUKernelArgs<'dy' | 'filter', Conv3DBackpropInputAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  assertFloat32('Conv3DBackpropInputV2', { dy, filter });
  const g = conv3dGeometry(attrs.inputShape, filter.shape, attrs.strides, 1, attrs.pad);
  const limits = kernelLimits();
  const program = new Conv3DBackpropInputProgram(g, limits);
  if (program.readsOriginalFilter) return backend.runWebGPUProgram(program, [dy, filter], 'float32', program.uniformData);
  const wt = backend.runWebGPUProgram(backpropInputFilterProgram(g, limits), [filter], 'float32');
  const dx = backend.runWebGPUProgram(program, [dy, wt], 'float32', program.uniformData);
  backend.disposeData(wt.dataId);
  return dx;
}

export const fastConv3DBackpropInputConfig: KernelConfig = {
  kernelName: Conv3DBackpropInputV2,
  backendName: 'webgpu',
  kernelFunc: fastConv3DBackpropInput as unknown as KernelFunc,
};
