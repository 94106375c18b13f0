/**
 * Registration of the fast conv3d filter gradient for `webgpu` (kernel name `Conv3DBackpropFilterV2`).
 * x: [N, D, H, W, Cin], dy: [N, OD, OH, OW, Cout] → dW: filterShape [KD, KH, KW, Cin, Cout].
 */
import { Conv3DBackpropFilterV2, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { conv3dGeometry, type Conv3DPad } from '../conv3d-common/geometry';
import { assertFloat32, type Triple, type WebGPUKernelArgs } from '../conv3d-common/kernel-types';
import { kernelLimits } from '../conv3d-common/limits';
import { resolveTuning } from '../conv3d-common/options';
import { Conv3DBackpropFilterProgram, PartialSumProgram } from './conv3d-backprop-filter.program';
import { Conv3DBackpropFilterRowsProgram } from './conv3d-backprop-filter.rows.program';

export interface Conv3DBackpropFilterAttrs {
  strides: Triple;
  pad: Conv3DPad;
  filterShape: [number, number, number, number, number];
}

export function fastConv3DBackpropFilter(args: WebGPUKernelArgs<'x' | 'dy', Conv3DBackpropFilterAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  assertFloat32('Conv3DBackpropFilterV2', { x, dy });
  const g = conv3dGeometry(x.shape, attrs.filterShape, attrs.strides, 1, attrs.pad);
  const limits = kernelLimits();
  const program =
    resolveTuning(limits.software) === 'cpu'
      ? new Conv3DBackpropFilterRowsProgram(g, limits)
      : new Conv3DBackpropFilterProgram(g, limits);
  const partial = backend.runWebGPUProgram(program, [x, dy], 'float32', program.uniformData);
  const sum = new PartialSumProgram(program.partials, attrs.filterShape, limits);
  const dw = backend.runWebGPUProgram(sum, [partial], 'float32', sum.uniformData);
  backend.disposeData(partial.dataId);
  return dw;
}

export const fastConv3DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv3DBackpropFilterV2,
  backendName: 'webgpu',
  kernelFunc: fastConv3DBackpropFilter as unknown as KernelFunc,
};
