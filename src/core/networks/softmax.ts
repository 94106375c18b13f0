/**
 * Softmax and log-softmax over the rows of `[M, K]` (K classes, the NDHWC logits' 2-D view) without tfjs's
 * Softmax/Max/Sum kernels, which run one workgroup with barriers per row: on SwiftShader a [110592, 5]
 * softmax takes ≈15 s that way against ≈1 s here. The row maximum is a chain of element-wise maxima over the
 * K columns and the row sums are matrix products with a column of ones.
 */
import * as tf from '@tensorflow/tfjs';
import { customOp } from '../kernels/common/custom-op';

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

/** Softmax over rows of `[M, K]` (differentiable through `logSoftmaxRows`). */
export function softmaxRows(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.exp(logSoftmaxRows(z)) as tf.Tensor2D);
}
