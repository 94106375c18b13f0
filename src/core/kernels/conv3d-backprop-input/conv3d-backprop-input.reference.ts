/**
 * Plain-TypeScript conv3d input gradient (NDHWC): dx [N, D, H, W, Cin] from dy [N, OD, OH, OW, Cout]
 * and w [KD, KH, KW, Cin, Cout], i.e. dx[xi] = Σ dy[yi] · w[wi] over the convolution's terms.
 */
import { prod3, type Conv3DGeometry } from '../conv3d-common/geometry';
import { forEachConvTerm, type ReferenceResult } from '../conv3d/conv3d.reference';

export function conv3dBackpropInputReference(dy: ArrayLike<number>, w: ArrayLike<number>, g: Conv3DGeometry): ReferenceResult {
  const n = g.batch * prod3(g.inDims) * g.inChannels;
  const values = new Float64Array(n);
  const magnitude = new Float64Array(n);
  forEachConvTerm(g, (yi, xi, wi) => {
    const p = dy[yi] * w[wi];
    values[xi] += p;
    magnitude[xi] += Math.abs(p);
  });
  return { values, magnitude };
}
