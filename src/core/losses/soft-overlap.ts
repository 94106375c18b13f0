/**
 * Soft overlap losses from logits NDHWC `[N, D, H, W, K]` and int32 labels `[N, D, H, W]`, on softmax
 * probabilities p and one-hot labels y, per sample n and class k over its V voxels:
 *   I = Σ p·y,  P = Σ p,  G = Σ y
 *   soft IoU (Jaccard) = (I + s) / (P + G − I + s),   soft Dice = (2I + s) / (P + G + s)
 * loss = 1 − (Σ_k w_k · score[n, k]) / Σ_k w_k, averaged over the batch. All classes (background included)
 * count with weight 1 unless `classWeights` says otherwise; s = `smooth` (default 1).
 *
 * Partially labelled samples (`unlabelled`, see LossOptions): in sample n the probabilities of the classes
 * its scan does not label are added to background's, and those classes drop out of its score (weight 0).
 */
import * as tf from '@tensorflow/tfjs';
import { checkLossInputs, isPartial, oneHotFlat, unlabelledMask, type LossOptions } from './common';
import { logSoftmaxRows } from '../networks';
import { sumLastAxis, sumMiddleAxis } from './reductions';

type Score = (i: tf.Tensor, p: tf.Tensor, g: tf.Tensor, s: number) => tf.Tensor;

const iouScore: Score = (i, p, g, s) => tf.div(tf.add(i, s), tf.add(tf.sub(tf.add(p, g), i), s));
const diceScore: Score = (i, p, g, s) => tf.div(tf.add(tf.mul(i, 2), s), tf.add(tf.add(p, g), s));

function overlapLoss(logits: tf.Tensor, labels: tf.Tensor, opts: LossOptions | undefined, score: Score, what: string): tf.Scalar {
  const k = checkLossInputs(logits, labels, opts, what);
  const n = logits.shape[0];
  const v = logits.size / (n * k);
  return tf.tidy(() => {
    let p = tf.reshape(tf.exp(logSoftmaxRows(tf.reshape(logits, [n * v, k]) as tf.Tensor2D)), [n, v, k]) as tf.Tensor3D;
    const y = tf.reshape(oneHotFlat(labels, k), [n, v, k]) as tf.Tensor3D;
    const w = opts?.classWeights ?? new Array<number>(k).fill(1);
    // Per sample and class, the weight of the class in that sample's score (rows sum to 1).
    let weights = tf.tensor2d(Array.from({ length: n }, () => w).flat(), [n, k]);
    if (isPartial(opts)) {
      const u = unlabelledMask(opts!.unlabelled!, n, k);
      const moved = tf.reshape(sumLastAxis(tf.reshape(tf.mul(p, u), [n * v, k]) as tf.Tensor2D), [n, v, 1]);
      const toBackground = tf.tensor3d(Array.from({ length: k }, (_, c) => (c === 0 ? 1 : 0)), [1, 1, k]);
      p = tf.add(tf.mul(p, tf.sub(1, u)), tf.mul(moved, toBackground)) as tf.Tensor3D;
      weights = tf.mul(weights, tf.reshape(tf.sub(1, u), [n, k])) as tf.Tensor2D;
    }
    weights = tf.div(weights, sumLastAxis(weights)) as tf.Tensor2D;
    const inter = sumMiddleAxis(tf.mul(p, y) as tf.Tensor3D);
    const perClass = tf.reshape(score(inter, sumMiddleAxis(p), sumMiddleAxis(y), opts?.smooth ?? 1), [n, k]) as tf.Tensor2D;
    const perSample = sumLastAxis(tf.mul(perClass, weights) as tf.Tensor2D); // [N, 1]
    return tf.reshape(tf.sub(1, tf.div(sumMiddleAxis(tf.reshape(perSample, [1, n, 1]) as tf.Tensor3D), n)), []) as tf.Scalar;
  });
}

/** 1 − soft Jaccard index (see the file comment). */
export function softIoULoss(logits: tf.Tensor, labels: tf.Tensor, opts?: LossOptions): tf.Scalar {
  return overlapLoss(logits, labels, opts, iouScore, 'softIoULoss');
}

/** 1 − soft Dice coefficient (see the file comment). */
export function softDiceLoss(logits: tf.Tensor, labels: tf.Tensor, opts?: LossOptions): tf.Scalar {
  return overlapLoss(logits, labels, opts, diceScore, 'softDiceLoss');
}
