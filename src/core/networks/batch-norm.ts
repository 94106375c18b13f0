/**
 * Batch normalisation for 5-D NDHWC tensors with working gradients (tfjs's `batchNorm` has none at rank 5).
 *
 * Training: statistics of the batch over N, D, H, W; inference: running averages. The result is computed as
 * `x · a + b` with `a = γ / sqrt(σ² + ε)` and `b = β − μ · a`, all per-channel tensors shaped `[1,1,1,1,C]`,
 * so the only 5-D work is one multiply-add. The channel sums are matrix products with a row of ones over the
 * `[N·D·H·W, C]` view (one pass, and differentiable).
 */
import * as tf from '@tensorflow/tfjs';

export interface BatchNormParams {
  /** `[1,1,1,1,C]` */
  gamma: tf.Tensor;
  beta: tf.Tensor;
  runningMean: tf.Variable;
  runningVar: tf.Variable;
}

export interface BatchNormOptions {
  training: boolean;
  epsilon: number;
  /** Weight of the batch statistics in the running averages; 0 leaves them unchanged. */
  momentum: number;
}

/** Per-channel mean and (biased) variance over all but the last axis, both shaped `[1,1,1,1,C]`. */
export function channelMoments(x: tf.Tensor): { mean: tf.Tensor; variance: tf.Tensor } {
  const c = x.shape[x.shape.length - 1];
  const m = x.size / c;
  const flat = tf.reshape(x, [m, c]);
  const ones = tf.fill([1, m], 1 / m);
  const mean = tf.matMul(ones, flat);
  const variance = tf.matMul(ones, tf.square(tf.sub(flat, mean)));
  const shape = [...new Array<number>(x.shape.length - 1).fill(1), c];
  return { mean: tf.reshape(mean, shape), variance: tf.reshape(variance, shape) };
}

function updateRunning(p: BatchNormParams, mean: tf.Tensor, variance: tf.Tensor, count: number, momentum: number): void {
  if (momentum <= 0) return;
  tf.tidy(() => {
    // Unbiased variance for the running estimate, as is usual.
    const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
    p.runningMean.assign(tf.add(tf.mul(p.runningMean, 1 - momentum), tf.mul(mean, momentum)));
    p.runningVar.assign(tf.add(tf.mul(p.runningVar, 1 - momentum), tf.mul(unbiased, momentum)));
  });
}

/**
 * y = γ (x − μ) / sqrt(σ² + ε) + β on NDHWC `x`. In training mode μ, σ² are the batch's and the running
 * averages move towards them (a side effect outside the gradient path).
 */
export function batchNorm(x: tf.Tensor, p: BatchNormParams, opts: BatchNormOptions): tf.Tensor {
  let mean: tf.Tensor;
  let variance: tf.Tensor;
  if (opts.training) {
    ({ mean, variance } = channelMoments(x));
    updateRunning(p, mean, variance, x.size / x.shape[x.shape.length - 1], opts.momentum);
  } else {
    mean = p.runningMean;
    variance = p.runningVar;
  }
  const a = tf.mul(p.gamma, tf.rsqrt(tf.add(variance, opts.epsilon)));
  const b = tf.sub(p.beta, tf.mul(mean, a));
  return tf.add(tf.mul(x, a), b);
}
