/**
 * Forward conv3d program: y [N, OD, OH, OW, Cout] = conv(x [N, D, H, W, Cin], W [KD, KH, KW, Cin, Cout]),
 * any strides / dilations / padding, any channel counts. The WGSL is generated in
 * ../conv3d-common/halo-conv.source.ts (tiled implicit GEMM over a workgroup-memory halo).
 */
import { HaloConvProgram } from '../conv3d-common/halo-conv.program';
import type { Conv3DGeometry } from '../conv3d-common/geometry';
import type { KernelLimits } from '../conv3d-common/tiling';

export class Conv3DProgram extends HaloConvProgram {
  constructor(g: Conv3DGeometry, limits: KernelLimits) {
    super('forward', g, limits);
  }
}
