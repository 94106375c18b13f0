/**
 * Reductions for the losses that stay fast on WebGPU. tfjs reduces along an axis with one workgroup per
 * output and a shared-memory tree, and reduces a non-innermost axis after a transpose; with few classes
 * (K = 2…5) or long voxel axes that is slow (≈100 ms for a [2048, 2] row sum on SwiftShader). Here row sums
 * are matrix products with a column of ones, sums over voxels are the `columnSums` kernel, each with a
 * hand-written broadcast gradient, and the row maximum is a chain of element-wise maxima over the K columns.
 */
import * as tf from '@tensorflow/tfjs';
import { columnSumsOp, customOp } from '../networks';

/** Row sums `[M, K]` → `[M, 1]`. */
export function sumLastAxis(x: tf.Tensor2D): tf.Tensor2D {
  return customOp([x], ([v]) => ({
    value: tf.matMul(v as tf.Tensor2D, tf.ones([v.shape[1] as number, 1])),
    gradFunc: (dy: tf.Tensor) => [tf.broadcastTo(dy, v.shape)],
  })) as tf.Tensor2D;
}

/** Sums over the middle axis `[N, V, K]` → `[N, 1, K]` (per sample and class, over voxels). */
export function sumMiddleAxis(x: tf.Tensor3D): tf.Tensor3D {
  return columnSumsOp(x);
}

/** Row maxima `[M, K]` → `[M, 1]`, not differentiated (used only to stabilise exponentials). */
export function rowMax(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [m, k] = x.shape;
    let best = tf.slice(x, [0, 0], [m, 1]);
    for (let j = 1; j < k; j++) best = tf.maximum(best, tf.slice(x, [0, j], [m, 1]));
    return best as tf.Tensor2D;
  });
}

/**
 * Log-softmax over rows of `[M, K]` with the gradient dz = dy − softmax · Σ_k dy (no taped max or reductions).
 */
export function logSoftmaxRows(z: tf.Tensor2D): tf.Tensor2D {
  return customOp([z], ([logits], save) => {
    const zz = logits as tf.Tensor2D;
    const shifted = tf.sub(zz, rowMax(zz));
    const value = tf.sub(shifted, tf.log(tf.matMul(tf.exp(shifted), tf.ones([zz.shape[1], 1]))));
    save([value]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const rowTotals = tf.matMul(dy as tf.Tensor2D, tf.ones([zz.shape[1], 1]));
      return [tf.sub(dy, tf.mul(tf.exp(saved[0]), rowTotals))];
    };
    return { value, gradFunc };
  }) as tf.Tensor2D;
}
