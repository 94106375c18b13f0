/**
 * Voxel-wise softmax cross-entropy from logits NDHWC `[N, D, H, W, K]` and int32 labels `[N, D, H, W]`.
 *
 * Unweighted: the mean over all voxels of the batch (equal to the mean over samples of their mean, as all
 * samples have the same voxel count). With `classWeights` w: Σ w[y]·CE / Σ w[y] over the batch.
 *
 * Partially labelled samples (`unlabelled`, see LossOptions): a voxel of label 0 in sample n scores
 * −log(p_0 + Σ_{k unlabelled in n} p_k), the marginal likelihood of "background or an organ this scan does
 * not label"; labelled voxels score −log p_y as usual.
 */
import * as tf from '@tensorflow/tfjs';
import { checkLossInputs, isPartial, oneHotFlat, unlabelledMask, type LossOptions } from './common';
import { logSoftmaxRows } from '../networks';
import { sumLastAxis, sumMiddleAxis } from './reductions';

/** Pushes log-probabilities outside a voxel's target set to ≈ −∞ (exp underflows to 0) while staying finite. */
const OUTSIDE = 1e4;

/**
 * −log Σ_{k ∈ T} p_k per voxel `[M, 1]`, T the voxel's target set: its label, plus the sample's unlabelled
 * classes when the label is 0. log Σ_T p = LSE(z) with z = log p on T and ≈ −∞ elsewhere, and LSE(z) =
 * z_k − logSoftmax(z)_k for every k in T; averaging that over T keeps to ops that are fast on WebGPU.
 */
function marginalNll(y: tf.Tensor2D, logp: tf.Tensor2D, unlabelled: boolean[][], n: number, k: number): tf.Tensor2D {
  const m = y.shape[0];
  const y3 = tf.reshape(y, [n, m / n, k]);
  const isBackground = tf.slice(y3, [0, 0, 0], [n, m / n, 1]);
  const target = tf.reshape(tf.add(y3, tf.mul(isBackground, unlabelledMask(unlabelled, n, k))), [m, k]) as tf.Tensor2D;
  const z = tf.add(logp, tf.mul(tf.sub(target, 1), OUTSIDE)) as tf.Tensor2D;
  const lse = tf.div(sumLastAxis(tf.mul(target, tf.sub(z, logSoftmaxRows(z))) as tf.Tensor2D), sumLastAxis(target));
  return tf.neg(lse) as tf.Tensor2D;
}

export function crossEntropyLoss(logits: tf.Tensor, labels: tf.Tensor, opts?: LossOptions): tf.Scalar {
  const k = checkLossInputs(logits, labels, opts, 'crossEntropyLoss');
  return tf.tidy(() => {
    const m = logits.size / k;
    const y = oneHotFlat(labels, k);
    const logp = logSoftmaxRows(tf.reshape(logits, [m, k]) as tf.Tensor2D);
    const nll = isPartial(opts) ? marginalNll(y, logp, opts!.unlabelled!, logits.shape[0], k) : tf.neg(sumLastAxis(tf.mul(y, logp) as tf.Tensor2D)); // [M, 1]
    if (!opts?.classWeights) return tf.reshape(tf.div(sumMiddleAxis(tf.reshape(nll, [1, m, 1]) as tf.Tensor3D), m), []) as tf.Scalar;
    // Voxel weights w[y] do not depend on the logits: computed once, outside any gradient path.
    const w = tf.matMul(y, tf.tensor2d(opts.classWeights, [k, 1])); // [M, 1]
    const total = sumMiddleAxis(tf.reshape(tf.mul(w, nll), [1, m, 1]) as tf.Tensor3D);
    return tf.reshape(tf.div(total, tf.sum(w)), []) as tf.Scalar;
  });
}
