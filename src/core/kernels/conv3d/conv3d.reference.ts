/**
 * Plain-TypeScript conv3d (NDHWC) for parity tests. Accumulates in float64 and also returns, per
 * output, the sum of |products| so tests can state a tolerance relative to the sum's magnitude.
 */
import { prod3, type Conv3DGeometry } from '../conv3d-common/geometry';

export interface ReferenceResult {
  values: Float64Array;
  /** Σ|a·b| over the terms of each output (the scale of float32 rounding error). */
  magnitude: Float64Array;
}

/** Index of the input voxel read by output voxel `o` through tap `t` on one axis, or -1 if padding. */
export function sourceIndex(o: number, t: number, stride: number, dilation: number, pad: number, size: number): number {
  const i = o * stride - pad + t * dilation;
  return i >= 0 && i < size ? i : -1;
}

/**
 * Calls `visit(outIndex, xIndex, wIndex)` for every (output, input, filter) triple of the convolution:
 * y[outIndex] += x[xIndex] · w[wIndex]. Shared by the forward and both gradient references.
 */
export function forEachConvTerm(g: Conv3DGeometry, visit: (yi: number, xi: number, wi: number) => void): void {
  const [ID, IH, IW] = g.inDims;
  const [OD, OH, OW] = g.outDims;
  const [KD, KH, KW] = g.kernel;
  const ci = g.inChannels;
  const co = g.outChannels;
  for (let b = 0; b < g.batch; b++)
    for (let od = 0; od < OD; od++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          const yBase = (((b * OD + od) * OH + oh) * OW + ow) * co;
          for (let kd = 0; kd < KD; kd++) {
            const id = sourceIndex(od, kd, g.strides[0], g.dilations[0], g.pads[0], ID);
            if (id < 0) continue;
            for (let kh = 0; kh < KH; kh++) {
              const ih = sourceIndex(oh, kh, g.strides[1], g.dilations[1], g.pads[1], IH);
              if (ih < 0) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = sourceIndex(ow, kw, g.strides[2], g.dilations[2], g.pads[2], IW);
                if (iw < 0) continue;
                const xBase = (((b * ID + id) * IH + ih) * IW + iw) * ci;
                const wBase = ((kd * KH + kh) * KW + kw) * ci * co;
                for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) visit(yBase + o, xBase + c, wBase + c * co + o);
              }
            }
          }
        }
}

/**
 * Sums the convolution's terms into the tensor `into` (y, x or w, its flat indices): each term adds
 * `product(yi, xi, wi)` to its element's value and its absolute value to the element's magnitude.
 * The forward conv and both gradients are this sum over the same terms.
 */
export function sumConvTerms(g: Conv3DGeometry, into: 'y' | 'x' | 'w', product: (yi: number, xi: number, wi: number) => number): ReferenceResult {
  const n =
    into === 'y' ? g.batch * prod3(g.outDims) * g.outChannels : into === 'x' ? g.batch * prod3(g.inDims) * g.inChannels : prod3(g.kernel) * g.inChannels * g.outChannels;
  const values = new Float64Array(n);
  const magnitude = new Float64Array(n);
  forEachConvTerm(g, (yi, xi, wi) => {
    const i = into === 'y' ? yi : into === 'x' ? xi : wi;
    const p = product(yi, xi, wi);
    values[i] += p;
    magnitude[i] += Math.abs(p);
  });
  return { values, magnitude };
}

/** y [N, OD, OH, OW, Cout] = conv3d(x [N, D, H, W, Cin], w [KD, KH, KW, Cin, Cout]). */
export function conv3dReference(x: ArrayLike<number>, w: ArrayLike<number>, g: Conv3DGeometry): ReferenceResult {
  return sumConvTerms(g, 'y', (_yi, xi, wi) => x[xi] * w[wi]);
}
