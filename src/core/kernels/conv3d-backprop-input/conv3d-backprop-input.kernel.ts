/**
 * Registration of the fast conv3d input gradient for `webgpu` (kernel name `Conv3DBackpropInputV2`).
 * dy: [N, OD, OH, OW, Cout], filter: [KD, KH, KW, Cin, Cout] → dx: inputShape [N, D, H, W, Cin].
 */
import { Conv3DBackpropInputV2, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';
import { conv3dKernelStart, throughIntermediate, webgpuKernelConfig, type Conv3DGradAttrs, type WebGPUKernelArgs } from '../conv3d-common/kernel-types';
import { backpropInputFilterProgram, Conv3DBackpropInputProgram } from './conv3d-backprop-input.program';

export type Conv3DBackpropInputAttrs = Conv3DGradAttrs<'inputShape'>;

export function fastConv3DBackpropInput(args: WebGPUKernelArgs<'dy' | 'filter', Conv3DBackpropInputAttrs>): TensorInfo {
  const { inputs: { dy, filter }, backend, attrs } = args;
  const { g, limits } = conv3dKernelStart('Conv3DBackpropInputV2', { dy, filter }, { x: attrs.inputShape, filter: filter.shape, strides: attrs.strides, dilations: 1, pad: attrs.pad });
  const program = new Conv3DBackpropInputProgram(g, limits);
  if (program.readsOriginalFilter) return backend.runWebGPUProgram(program, [dy, filter], 'float32', program.uniformData);
  return throughIntermediate(backend, backpropInputFilterProgram(g, limits), [filter], undefined, (wt) => backend.runWebGPUProgram(program, [dy, wt], 'float32', program.uniformData));
}

export const fastConv3DBackpropInputConfig: KernelConfig = webgpuKernelConfig(Conv3DBackpropInputV2, fastConv3DBackpropInput);
