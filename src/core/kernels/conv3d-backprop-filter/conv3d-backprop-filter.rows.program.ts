/**
 * The conv3d filter gradient without workgroup memory (for CPU adapters, see
 * filter-grad-rows.source.ts). Output: partial sums [splits, KD·KH·KW·Cin·Cout] for PartialSumProgram.
 */
import { ceilDiv, prod3, type Conv3DGeometry } from '../conv3d-common/geometry';
import { splitChannels, type KernelLimits } from '../conv3d-common/tiling';
import { FilterGradPartialsProgram } from './conv3d-backprop-filter.program';
import { filterGradRowsSource, rowsVec4In, type RowsTiling } from './filter-grad-rows.source';

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

export class Conv3DBackpropFilterRowsProgram extends FilterGradPartialsProgram<RowsTiling> {
  readonly uniforms = 'pads : vec3<i32>, totalRows : i32, rowsPerSplit : i32,';

  constructor(g: Conv3DGeometry, limits: KernelLimits, t = rowsTiling(g, limits)) {
    super(g, limits, t, {
      partials: t.splits,
      workgroups: t.splits * t.chunks * t.channels.tiles,
      vec4In: rowsVec4In(g),
      uniformData: [
        { type: 'int32', data: [...g.pads] },
        { type: 'int32', data: [t.totalRows] },
        { type: 'int32', data: [t.rowsPerSplit] },
      ],
      shaderKey: ['conv3dFilterGradRows', t.rc, t.groupsPerWorkgroup, t.chunks, t.channels.tiles, t.channels.threadsN, t.channels.rnv],
    });
  }

  getUserCode(): string {
    return filterGradRowsSource(this.g, this.tiling);
  }
}
