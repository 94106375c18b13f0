/**
 * conv3d input gradient: dx [N, D, H, W, Cin] from dy [N, OD, OH, OW, Cout] and the filter
 * [KD, KH, KW, Cin, Cout], any strides and padding (dilation 1, as tfjs's gradient of conv3d).
 *
 * Two programs: FilterTransposeProgram makes W' [KD, KH, KW, Cout, Cin] (flipped in space when the
 * stride is 1), then this halo convolution gathers dy through W' (see ../conv3d-common/halo-conv.source.ts).
 */
import { HaloConvProgram } from '../conv3d-common/halo-conv.program';
import type { Conv3DGeometry } from '../conv3d-common/geometry';
import type { KernelLimits } from '../conv3d-common/tiling';
import { FilterTransposeProgram } from '../conv3d-common/filter-transpose.program';

export class Conv3DBackpropInputProgram extends HaloConvProgram {
  constructor(g: Conv3DGeometry, limits: KernelLimits) {
    super('input', g, limits);
  }
}

/** The filter as Conv3DBackpropInputProgram reads it. */
export function backpropInputFilterProgram(g: Conv3DGeometry, limits: KernelLimits): FilterTransposeProgram {
  const unitStride = g.strides.every((s) => s === 1);
  return new FilterTransposeProgram(g.kernel, g.inChannels, g.outChannels, unitStride, limits);
}
