/**
 * Plain-TypeScript conv3d input gradient (NDHWC): dx [N, D, H, W, Cin] from dy [N, OD, OH, OW, Cout]
 * and w [KD, KH, KW, Cin, Cout], i.e. dx[xi] = Σ dy[yi] · w[wi] over the convolution's terms.
 */
import type { Conv3DGeometry } from '../conv3d-common/geometry';
import { sumConvTerms, type ReferenceResult } from '../conv3d/conv3d.reference';

export function conv3dBackpropInputReference(dy: ArrayLike<number>, w: ArrayLike<number>, g: Conv3DGeometry): ReferenceResult {
  return sumConvTerms(g, 'x', (yi, _xi, wi) => dy[yi] * w[wi]);
}
