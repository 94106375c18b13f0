/**
 * Voxel-wise softmax cross-entropy from logits NDHWC `[N, D, H, W, K]` and int32 labels `[N, D, H, W]`.
 *
 * Unweighted: the mean over all voxels of the batch (equal to the mean over samples of their mean, as all
 * samples have the same voxel count). With `classWeights` w: Σ w[y]·CE / Σ w[y] over the batch.
 */
import * as tf from '@tensorflow/tfjs';
import { checkLossInputs, oneHotFlat, type LossOptions } from './common';

export function crossEntropyLoss(logits: tf.Tensor, labels: tf.Tensor, opts?: LossOptions): tf.Scalar {
  const k = checkLossInputs(logits, labels, opts, 'crossEntropyLoss');
  return tf.tidy(() => {
    const z = tf.reshape(logits, [logits.size / k, k]);
    const y = oneHotFlat(labels, k);
    const nll = tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(z)), 1));
    if (!opts?.classWeights) return tf.mean(nll) as tf.Scalar;
    const voxelWeights = tf.reshape(tf.matMul(y, tf.tensor2d(opts.classWeights, [k, 1])), [nll.size]);
    return tf.div(tf.sum(tf.mul(voxelWeights, nll)), tf.sum(voxelWeights)) as tf.Scalar;
  });
}
