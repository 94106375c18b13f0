/**
 * Registration of the fast conv3d filter gradient for `webgpu` (kernel name `Conv3DBackpropFilterV2`).
 * x: [N, D, H, W, Cin], dy: [N, OD, OH, OW, Cout] → dW: filterShape [KD, KH, KW, Cin, Cout].
 */
import { Conv3DBackpropFilterV2, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';
import { conv3dKernelStart, throughIntermediate, webgpuKernelConfig, type Conv3DGradAttrs, type WebGPUKernelArgs } from '../conv3d-common/kernel-types';
import { resolveTuning } from '../conv3d-common/options';
import { Conv3DBackpropFilterProgram, PartialSumProgram } from './conv3d-backprop-filter.program';
import { Conv3DBackpropFilterRowsProgram } from './conv3d-backprop-filter.rows.program';

export type Conv3DBackpropFilterAttrs = Conv3DGradAttrs<'filterShape'>;

export function fastConv3DBackpropFilter(args: WebGPUKernelArgs<'x' | 'dy', Conv3DBackpropFilterAttrs>): TensorInfo {
  const { inputs: { x, dy }, backend, attrs } = args;
  const { g, limits } = conv3dKernelStart('Conv3DBackpropFilterV2', { x, dy }, { x: x.shape, filter: attrs.filterShape, strides: attrs.strides, dilations: 1, pad: attrs.pad });
  const program =
    resolveTuning(limits.software) === 'cpu'
      ? new Conv3DBackpropFilterRowsProgram(g, limits)
      : new Conv3DBackpropFilterProgram(g, limits);
  const sum = new PartialSumProgram(program.partials, attrs.filterShape, limits);
  return throughIntermediate(backend, program, [x, dy], program.uniformData, (partial) => backend.runWebGPUProgram(sum, [partial], 'float32', sum.uniformData));
}

export const fastConv3DBackpropFilterConfig: KernelConfig = webgpuKernelConfig(Conv3DBackpropFilterV2, fastConv3DBackpropFilter);
