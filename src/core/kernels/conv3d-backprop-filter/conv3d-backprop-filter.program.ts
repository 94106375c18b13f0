/**
 * conv3d filter gradient: dW [KD, KH, KW, Cin, Cout] from x [N, D, H, W, Cin] and dy [N, OD, OH, OW, Cout],
 * any strides and padding (dilation 1 in tfjs's gradient; other dilations work too).
 * Conv3DBackpropFilterProgram writes partial sums [P, KD·KH·KW·Cin·Cout]; PartialSumProgram adds them.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { flatDispatch2d } from '../common/flat-program';
import { FLAT_WORKGROUP_SIZE } from '../common/wgsl';
import { prod3, type Conv3DGeometry } from '../conv3d-common/geometry';
import type { ProgramUniform } from '../conv3d-common/halo-conv.program';
import { dispatch2d, type KernelLimits } from '../conv3d-common/tiling';
import { filterGradSource, vec4Out } from './conv3d-backprop-filter.source';
import { filterGradTiling, type FilterGradTiling } from './filter-tiling';

/**
 * What both filter-gradient programs (this one and the rows variant for CPU adapters) share: inputs x and
 * dy, output the partial sums [partials, KD·KH·KW·Cin·Cout] (vec4 when Cout allows), a 2-D dispatch of
 * `workgroups` workgroups of `workgroupSize` invocations.
 */
export abstract class FilterGradPartialsProgram<T extends { workgroupSize: number }> implements WebGPUProgram {
  readonly outputShape: number[];
  abstract readonly uniforms: string;
  readonly dispatchLayout = { x: [0, 1] };
  readonly dispatch: [number, number, number];
  readonly variableNames = ['x', 'dy'];
  readonly variableComponents: number[];
  readonly outputComponent: number;
  readonly workgroupSize: [number, number, number];

  readonly shaderKey: string;
  readonly uniformData: ProgramUniform[];
  /** Number of partial sums (rows of the output). */
  readonly partials: number;

  constructor(
    protected readonly g: Conv3DGeometry,
    limits: KernelLimits,
    readonly tiling: T,
    s: { partials: number; workgroups: number; vec4In: boolean; uniformData: ProgramUniform[]; shaderKey: (string | number)[] },
  ) {
    const v4 = vec4Out(g);
    this.partials = s.partials;
    this.outputShape = [s.partials, prod3(g.kernel) * g.inChannels * g.outChannels];
    this.variableComponents = [s.vec4In ? 4 : 1, v4 ? 4 : 1];
    this.outputComponent = v4 ? 4 : 1;
    this.workgroupSize = [tiling.workgroupSize, 1, 1];
    this.dispatch = dispatch2d(s.workgroups, limits.maxComputeWorkgroupsPerDimension);
    this.uniformData = s.uniformData;
    this.shaderKey = [...s.shaderKey, g.inChannels, g.outChannels, g.kernel.join('.'), g.strides.join('.'), g.dilations.join('.')].join('_');
  }

  abstract getUserCode(): string;
}

export class Conv3DBackpropFilterProgram extends FilterGradPartialsProgram<FilterGradTiling> {
  readonly uniforms = 'pads : vec3<i32>, nBlocks : vec3<i32>, totalBlocks : i32, blocksPerSplit : i32,';

  constructor(g: Conv3DGeometry, limits: KernelLimits, t = filterGradTiling(g, limits)) {
    super(g, limits, t, {
      partials: t.splits * t.vs,
      workgroups: t.splits * t.chunks * t.channels.tiles,
      vec4In: false,
      uniformData: [
        { type: 'int32', data: [...g.pads] },
        { type: 'int32', data: [...t.nBlocks] },
        { type: 'int32', data: [t.totalBlocks] },
        { type: 'int32', data: [t.blocksPerSplit] },
      ],
      shaderKey: ['conv3dFilterGrad', t.block.join('.'), t.ck, t.rc, t.channels.tiles, t.channels.threadsN, t.channels.rnv, t.vs, t.chunks],
    });
  }

  getUserCode(): string {
    return filterGradSource(this.g, this.tiling);
  }
}

/** out [size] = Σ_k partial[k, ·] over the P rows of partial [P, size] (vec4 when size allows). */
export class PartialSumProgram implements WebGPUProgram {
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [0] };
  readonly dispatch: [number, number, number];
  readonly variableNames = ['partial'];
  readonly variableComponents: number[];
  readonly outputComponent: number;
  readonly uniforms = 'rows : i32,';
  readonly workgroupSize: [number, number, number] = [FLAT_WORKGROUP_SIZE, 1, 1];
  readonly size = true;
  readonly uniformData: ProgramUniform[];

  constructor(rows: number, outputShape: number[], limits: KernelLimits) {
    const n = outputShape.reduce((a, b) => a * b, 1);
    const c = n % 4 === 0 ? 4 : 1;
    this.outputShape = outputShape;
    this.variableComponents = [c];
    this.outputComponent = c;
    this.dispatch = flatDispatch2d(n / c, limits.maxComputeWorkgroupsPerDimension);
    this.uniformData = [{ type: 'int32', data: [rows] }];
    this.shaderKey = `conv3dPartialSum_${c}`;
  }

  getUserCode(): string {
    const t = this.outputComponent === 4 ? 'vec4<f32>' : 'f32';
    return `
fn main(index : i32) {
  if (index < uniforms.size) {
    var s = ${t}(0.0);
    for (var k = 0; k < uniforms.rows; k++) {
      s += partial[k * uniforms.size + index];
    }
    setOutputAtIndex(index, s);
  }
}`;
  }
}
