/**
 * The shape shared by the element-wise WebGPU programs (one invocation per output element, flat dispatch,
 * `FLAT_WORKGROUP_SIZE` invocations per workgroup): subclasses name their inputs, uniforms and WGSL.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import { FLAT_WORKGROUP_SIZE } from './wgsl';
import { dispatch2d } from '../conv3d-common/tiling';

export abstract class FlatProgram implements WebGPUProgram {
  abstract readonly variableNames: string[];
  abstract readonly uniforms: string;
  abstract readonly shaderKey: string;
  readonly workgroupSize: [number, number, number] = [FLAT_WORKGROUP_SIZE, 1, 1];
  readonly size = true;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];

  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatchLayout = webgpu_util.flatDispatchLayout(this.outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, this.outputShape, this.workgroupSize);
  }

  abstract getUserCode(): string;
}

/** A 2-D dispatch of ⌈n / FLAT_WORKGROUP_SIZE⌉ workgroups within the device's per-dimension limit. */
export function flatDispatch2d(n: number, maxPerDimension: number): [number, number, number] {
  return dispatch2d(Math.ceil(n / FLAT_WORKGROUP_SIZE), maxPerDimension);
}
