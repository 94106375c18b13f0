/**
 * Program class for the halo convolution (see halo-conv.source.ts): the forward conv3d and the
 * conv3d input gradient share it, differing in mode, source tensor and filter indexing.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { ceilDiv, prod3, type Conv3DGeometry, type Vec3 } from './geometry';
import { haloConvSource, readsOriginalFilter, vec4Channels, vec4Reduce, type HaloConvSourceSpec } from './halo-conv.source';
import { dispatch2d, haloConvTiling, type HaloConvTiling, type HaloMode, type KernelLimits } from './tiling';

export interface ProgramUniform {
  type: 'int32' | 'float32';
  data: number[];
}

export type HaloConvKind = 'forward' | 'input';

export class HaloConvProgram implements WebGPUProgram {
  readonly outputShape: number[];
  shaderKey: string;
  readonly dispatchLayout = { x: [0, 1, 2, 3, 4] };
  dispatch: [number, number, number];
  readonly variableNames: string[];
  readonly uniforms = 'pads : vec3<i32>, nBlocks : vec3<i32>, loops : vec4<i32>,';
  readonly workgroupSize: [number, number, number];
  readonly variableComponents: number[];
  readonly outputComponent: number;
  readonly tiling: HaloConvTiling;
  /** Values for `uniforms` (pads, blocks per axis), in declaration order. */
  readonly uniformData: ProgramUniform[];
  private readonly spec: HaloConvSourceSpec;
  /** Input modes: true when W is the original filter (no transposed copy needed). */
  readonly readsOriginalFilter: boolean;

  constructor(kind: HaloConvKind, g: Conv3DGeometry, limits: KernelLimits) {
    const forward = kind === 'forward';
    const unit = g.strides.every((s) => s === 1);
    const mode: HaloMode = forward ? 'forward' : unit ? 'input-unit-stride' : 'input-strided';
    if (!forward && g.dilations.some((d) => d !== 1)) {
      throw new Error(`conv3d input gradient supports dilation 1 only (as tf.grad of tf.conv3d); got ${g.dilations.join('×')}`);
    }
    const outDims: Vec3 = forward ? g.outDims : g.inDims;
    const reduceChannels = forward ? g.inChannels : g.outChannels;
    const outChannels = forward ? g.outChannels : g.inChannels;
    this.tiling = haloConvTiling(
      { mode, reduceChannels, outChannels, outDims, kernel: g.kernel, strides: g.strides, dilations: g.dilations },
      limits,
    );
    const src = forward ? 'x' : 'dy';
    this.spec = { mode, src, reduceChannels, outChannels, kernel: g.kernel, strides: g.strides, dilations: g.dilations, tiling: this.tiling };
    this.variableNames = [src, 'W'];
    this.readsOriginalFilter = readsOriginalFilter(this.spec);
    this.variableComponents = [vec4Reduce(this.spec) ? 4 : 1, this.readsOriginalFilter || vec4Channels(outChannels) ? 4 : 1];
    this.outputComponent = vec4Channels(outChannels) ? 4 : 1;
    this.outputShape = [g.batch, ...outDims, outChannels];
    this.workgroupSize = [this.tiling.workgroupSize, 1, 1];
    const nBlocks = [0, 1, 2].map((i) => ceilDiv(outDims[i], this.tiling.block[i]));
    const count = g.batch * prod3(nBlocks as Vec3) * this.tiling.channels.tiles;
    this.dispatch = dispatch2d(count, limits.maxComputeWorkgroupsPerDimension);
    const pads = mode === 'input-unit-stride' ? g.kernel.map((k, i) => k - 1 - g.pads[i]) : [...g.pads];
    this.uniformData = [
      { type: 'int32', data: pads },
      { type: 'int32', data: nBlocks },
      { type: 'int32', data: [this.tiling.ck, g.kernel[0], g.kernel[1], reduceChannels] },
    ];
    const t = this.tiling;
    this.shaderKey = [
      'conv3dHalo', mode, reduceChannels, outChannels, g.kernel.join('.'), g.strides.join('.'), g.dilations.join('.'),
      t.block.join('.'), t.rm, t.channels.tiles, t.channels.threadsN, t.channels.rnv, t.ck, t.staging, readsOriginalFilter(this.spec),
    ].join('_');
  }

  getUserCode(): string {
    return haloConvSource(this.spec);
  }
}
