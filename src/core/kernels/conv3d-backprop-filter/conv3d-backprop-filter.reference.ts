/**
 * Plain-TypeScript conv3d filter gradient (NDHWC): dW [KD, KH, KW, Cin, Cout] from x [N, D, H, W, Cin]
 * and dy [N, OD, OH, OW, Cout], i.e. dW[wi] = Σ x[xi] · dy[yi] over the convolution's terms.
 */
import { prod3, type Conv3DGeometry } from '../conv3d-common/geometry';
import { forEachConvTerm, type ReferenceResult } from '../conv3d/conv3d.reference';

export function conv3dBackpropFilterReference(x: ArrayLike<number>, dy: ArrayLike<number>, g: Conv3DGeometry): ReferenceResult {
  const n = prod3(g.kernel) * g.inChannels * g.outChannels;
  const values = new Float64Array(n);
  const magnitude = new Float64Array(n);
  forEachConvTerm(g, (yi, xi, wi) => {
    const p = x[xi] * dy[yi];
    values[wi] += p;
    magnitude[wi] += Math.abs(p);
  });
  return { values, magnitude };
}
