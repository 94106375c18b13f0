/**
 * Swaps the channel axes of a conv3d filter, optionally flipping it in space:
 * W [KD, KH, KW, Cin, Cout] → out [KD, KH, KW, Cout, Cin], out[t, co, ci] = W[flip ? KT−1−t : t, ci, co].
 * The input gradient then runs as a forward-style convolution whose filter rows are contiguous.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { prod3, type Vec3 } from './geometry';
import { flatDispatch2d } from '../common/flat-program';
import { FLAT_WORKGROUP_SIZE } from '../common/wgsl';
import type { KernelLimits } from './tiling';

export class FilterTransposeProgram implements WebGPUProgram {
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [0, 1, 2, 3, 4] };
  readonly dispatch: [number, number, number];
  readonly variableNames = ['W'];
  readonly workgroupSize: [number, number, number] = [FLAT_WORKGROUP_SIZE, 1, 1];
  readonly size = true;

  constructor(
    kernel: Vec3,
    private readonly inChannels: number,
    private readonly outChannels: number,
    private readonly flip: boolean,
    limits: KernelLimits,
  ) {
    this.outputShape = [...kernel, outChannels, inChannels];
    const n = prod3(kernel) * inChannels * outChannels;
    this.dispatch = flatDispatch2d(n, limits.maxComputeWorkgroupsPerDimension);
    this.shaderKey = `conv3dFilterTranspose_${kernel.join('.')}_${inChannels}_${outChannels}_${flip}`;
  }

  getUserCode(): string {
    const kt = this.outputShape.slice(0, 3).reduce((a, b) => a * b, 1);
    return `
fn main(index : i32) {
  if (index < uniforms.size) {
    let ci = index % ${this.inChannels};
    let r = index / ${this.inChannels};
    let co = r % ${this.outChannels};
    let t = r / ${this.outChannels};
    let ts = ${this.flip ? `${kt - 1} - t` : 't'};
    setOutputAtIndex(index, W[(ts * ${this.inChannels} + ci) * ${this.outChannels} + co]);
  }
}`;
  }
}
