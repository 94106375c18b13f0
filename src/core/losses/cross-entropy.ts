/**
 * Voxel-wise softmax cross-entropy from logits NDHWC `[N, D, H, W, K]` and int32 labels `[N, D, H, W]`.
 *
 * Unweighted: the mean over all voxels of the batch (equal to the mean over samples of their mean, as all
 * samples have the same voxel count). With `classWeights` w: Σ w[y]·CE / Σ w[y] over the batch.
 */
import * as tf from '@tensorflow/tfjs';
import { checkLossInputs, oneHotFlat, type LossOptions } from './common';
import { logSoftmaxRows } from '../networks';
import { sumLastAxis, sumMiddleAxis } from './reductions';

export function crossEntropyLoss(logits: tf.Tensor, labels: tf.Tensor, opts?: LossOptions): tf.Scalar {
  const k = checkLossInputs(logits, labels, opts, 'crossEntropyLoss');
  return tf.tidy(() => {
    const m = logits.size / k;
    const y = oneHotFlat(labels, k);
    const nll = tf.neg(sumLastAxis(tf.mul(y, logSoftmaxRows(tf.reshape(logits, [m, k]) as tf.Tensor2D)) as tf.Tensor2D)); // [M, 1]
    if (!opts?.classWeights) return tf.reshape(tf.div(sumMiddleAxis(tf.reshape(nll, [1, m, 1]) as tf.Tensor3D), m), []) as tf.Scalar;
    // Voxel weights w[y] do not depend on the logits: computed once, outside any gradient path.
    const w = tf.matMul(y, tf.tensor2d(opts.classWeights, [k, 1])); // [M, 1]
    const total = sumMiddleAxis(tf.reshape(tf.mul(w, nll), [1, m, 1]) as tf.Tensor3D);
    return tf.reshape(tf.div(total, tf.sum(w)), []) as tf.Scalar;
  });
}
