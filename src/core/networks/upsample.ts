/**
 * Nearest-neighbour upsampling of NDHWC volumes by an integer factor, differentiable and safe on tfjs 4.22
 * WebGPU: one axis at a time as reshape → tile → reshape on rank-3 views (no 5-D broadcast, no 3-D resize op,
 * no transposed convolution). The gradient is tfjs's tile gradient (a sum over the copies).
 */
import * as tf from '@tensorflow/tfjs';

/** `[N, D, H, W, C]` → `[N, fD, fH, fW, C]`, output voxel (d, h, w) = input (⌊d/f⌋, ⌊h/f⌋, ⌊w/f⌋). */
export function upsampleNearest3d(x: tf.Tensor5D, factor: number): tf.Tensor5D {
  if (factor === 1) return tf.clone(x);
  const [n, d, h, w, c] = x.shape;
  // Axis D: rows of H·W·C values are repeated.
  let y = tf.reshape(tf.tile(tf.reshape(x, [n * d, 1, h * w * c]), [1, factor, 1]), [n, factor * d, h, w, c]);
  // Axis H: rows of W·C values.
  y = tf.reshape(tf.tile(tf.reshape(y, [n * factor * d * h, 1, w * c]), [1, factor, 1]), [n, factor * d, factor * h, w, c]);
  // Axis W: rows of C values.
  y = tf.reshape(tf.tile(tf.reshape(y, [n * factor * d * factor * h * w, 1, c]), [1, factor, 1]), [n, factor * d, factor * h, factor * w, c]);
  return y as tf.Tensor5D;
}

/** Plain-TS reference of `upsampleNearest3d` on an NDHWC buffer. */
export function upsampleNearest3dReference(x: Float32Array, shape: [number, number, number, number, number], factor: number): Float32Array {
  const [n, d, h, w, c] = shape;
  const [D, H, W] = [d * factor, h * factor, w * factor];
  const out = new Float32Array(n * D * H * W * c);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let z = 0; z < D; z++) {
      for (let y = 0; y < H; y++) {
        for (let xx = 0; xx < W; xx++) {
          const src = ((((b * d + Math.floor(z / factor)) * h + Math.floor(y / factor)) * w + Math.floor(xx / factor)) * c);
          for (let k = 0; k < c; k++) out[o++] = x[src + k];
        }
      }
    }
  }
  return out;
}
