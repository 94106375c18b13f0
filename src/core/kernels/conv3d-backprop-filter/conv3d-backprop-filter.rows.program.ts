/**
 * The conv3d filter gradient without workgroup memory (for CPU adapters, see
 * filter-grad-rows.source.ts). Output: partial sums [splits, KD·KH·KW·Cin·Cout] for PartialSumProgram.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { ceilDiv, prod3, type Conv3DGeometry } from '../conv3d-common/geometry';
import type { ProgramUniform } from '../conv3d-common/halo-conv.program';
import { dispatch2d, splitChannels, type KernelLimits } from '../conv3d-common/tiling';
import { filterGradRowsSource, rowsVec4In, rowsVec4Out, type RowsTiling } from './filter-grad-rows.source';

/** Runs of output rows the work is split into: enough workgroups for every core, few partial sums. */
const TARGET_WORKGROUPS = 256;
const MAX_PARTIAL_FLOATS = 16 * 1024 * 1024;

export function rowsTiling(g: Conv3DGeometry, limits: KernelLimits): RowsTiling {
  const maxThreads = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const taps2 = g.kernel[0] * g.kernel[1];
  let maxVec4 = 16;
  let channels = splitChannels(g.outChannels, 5, maxVec4);
  while (taps2 * channels.threadsN > maxThreads && maxVec4 > 1) {
    maxVec4 = Math.max(1, maxVec4 >> 1);
    channels = splitChannels(g.outChannels, 5, maxVec4);
  }
  if (taps2 * channels.threadsN > maxThreads) throw new Error(`conv3d filter gradient: kernel ${g.kernel.join('×')} is too large`);
  const rc = rowsVec4In(g) ? 4 : 1;
  const groups = ceilDiv(g.inChannels, rc);
  const groupsPerWorkgroup = Math.min(groups, Math.floor(maxThreads / (taps2 * channels.threadsN)));
  const chunks = ceilDiv(groups, groupsPerWorkgroup);
  const totalRows = g.batch * g.outDims[0] * g.outDims[1];
  const dwSize = prod3(g.kernel) * g.inChannels * g.outChannels;
  let splits = Math.min(totalRows, Math.max(1, Math.ceil(TARGET_WORKGROUPS / (chunks * channels.tiles))));
  splits = Math.max(1, Math.min(splits, Math.floor(MAX_PARTIAL_FLOATS / dwSize)));
  const rowsPerSplit = ceilDiv(totalRows, splits);
  splits = ceilDiv(totalRows, rowsPerSplit);
  return {
    rc, groupsPerWorkgroup, chunks, channels, workgroupSize: taps2 * groupsPerWorkgroup * channels.threadsN,
    splits, rowsPerSplit, totalRows,
  };
}

export class Conv3DBackpropFilterRowsProgram implements WebGPUProgram {
  readonly outputShape: number[];
  shaderKey: string;
  readonly dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  readonly variableNames = ['x', 'dy'];
  readonly variableComponents: number[];
  readonly outputComponent: number;
  readonly uniforms = 'pads : vec3<i32>, totalRows : i32, rowsPerSplit : i32,';
  readonly workgroupSize: [number, number, number];
  readonly tiling: RowsTiling;
  readonly uniformData: ProgramUniform[];
  readonly partials: number;

  constructor(private readonly g: Conv3DGeometry, limits: KernelLimits) {
    const t = rowsTiling(g, limits);
    this.tiling = t;
    this.partials = t.splits;
    this.outputShape = [t.splits, prod3(g.kernel) * g.inChannels * g.outChannels];
    this.variableComponents = [rowsVec4In(g) ? 4 : 1, rowsVec4Out(g) ? 4 : 1];
    this.outputComponent = rowsVec4Out(g) ? 4 : 1;
    this.workgroupSize = [t.workgroupSize, 1, 1];
    this.dispatch = dispatch2d(t.splits * t.chunks * t.channels.tiles, limits.maxComputeWorkgroupsPerDimension);
    this.uniformData = [
      { type: 'int32', data: [...g.pads] },
      { type: 'int32', data: [t.totalRows] },
      { type: 'int32', data: [t.rowsPerSplit] },
    ];
    this.shaderKey = [
      'conv3dFilterGradRows', g.inChannels, g.outChannels, g.kernel.join('.'), g.strides.join('.'), g.dilations.join('.'),
      t.rc, t.groupsPerWorkgroup, t.chunks, t.channels.tiles, t.channels.threadsN, t.channels.rnv,
    ].join('_');
  }

  getUserCode(): string {
    return filterGradRowsSource(this.g, this.tiling);
  }
}
