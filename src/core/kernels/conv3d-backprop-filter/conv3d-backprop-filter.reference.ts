/**
 * Plain-TypeScript conv3d filter gradient (NDHWC): dW [KD, KH, KW, Cin, Cout] from x [N, D, H, W, Cin]
 * and dy [N, OD, OH, OW, Cout], i.e. dW[wi] = Σ x[xi] · dy[yi] over the convolution's terms.
 */
import type { Conv3DGeometry } from '../conv3d-common/geometry';
import { sumConvTerms, type ReferenceResult } from '../conv3d/conv3d.reference';

export function conv3dBackpropFilterReference(x: ArrayLike<number>, dy: ArrayLike<number>, g: Conv3DGeometry): ReferenceResult {
  return sumConvTerms(g, 'w', (yi, xi) => x[xi] * dy[yi]);
}
