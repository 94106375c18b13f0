/**
 * Batch normalisation for NDHWC tensors (any rank, channels last) with working gradients; tfjs's
 * `batchNorm` has none at rank 5.
 *
 * Training uses the batch's statistics over all axes but the last, with a hand-written gradient
 * (`tf.customGrad`): autodiff of the formula would reduce over broadcast axes with tfjs's generic
 * transpose-and-reduce, which is slow on WebGPU (hundreds of ms on SwiftShader for a 4×12³×4 tensor).
 * Every channel sum here is `columnSums` on the `[M, C]` view (M = N·D·H·W): a barrier-free WebGPU kernel
 * (a matrix product with a row of ones on other backends). Per-channel tensors are `[1, C]` on that 2-D view and `[1,1,1,1,C]`
 * as parameters (never 1-D: tfjs 4.22 on WebGPU miscompiles 5-D ⊕ 1-D broadcasts).
 *
 * Forward: μ = Σx/M, σ² = Σ(x − μ)²/M, x̂ = (x − μ)/sqrt(σ² + ε), y = γ x̂ + β.
 * Backward: dβ = Σdy, dγ = Σ dy·x̂, dx = γ/sqrt(σ² + ε) · (dy − dβ/M − x̂ · dγ/M).
 */
import * as tf from '@tensorflow/tfjs';
import { columnSums } from '../kernels/column-sums/column-sums.kernel';
import { customOp } from '../kernels/common/custom-op';

export interface BatchNormParams {
  /** `[1,1,1,1,C]` (or `[1, C]` for 2-D inputs). */
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

/** Σ over rows of `[M, C]` → `[1, C]` (not differentiated: used inside hand-written gradients). */
export function channelSum(x2d: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.reshape(columnSums(tf.reshape(x2d, [1, x2d.shape[0], x2d.shape[1]])), [1, x2d.shape[1]]));
}

/** Per-channel mean and biased variance over all but the last axis, both shaped `[1, C]`. */
export function channelMoments(x: tf.Tensor): { mean: tf.Tensor2D; variance: tf.Tensor2D } {
  return tf.tidy(() => {
    const c = x.shape[x.shape.length - 1];
    const m = x.size / c;
    const flat = tf.reshape(x, [m, c]) as tf.Tensor2D;
    const mean = tf.div(channelSum(flat), m) as tf.Tensor2D;
    const variance = tf.div(channelSum(tf.square(tf.sub(flat, mean)) as tf.Tensor2D), m) as tf.Tensor2D;
    return { mean, variance };
  });
}

function updateRunning(p: BatchNormParams, mean: tf.Tensor2D, variance: tf.Tensor2D, count: number, momentum: number): void {
  if (momentum <= 0) return;
  tf.tidy(() => {
    const shape = p.runningMean.shape;
    // Unbiased variance for the running estimate, as is usual.
    const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
    p.runningMean.assign(tf.add(tf.mul(p.runningMean, 1 - momentum), tf.mul(tf.reshape(mean, shape), momentum)));
    p.runningVar.assign(tf.add(tf.mul(p.runningVar, 1 - momentum), tf.mul(tf.reshape(unbiased, shape), momentum)));
  });
}

function trainingBatchNorm(x: tf.Tensor, p: BatchNormParams, opts: BatchNormOptions): tf.Tensor {
  const c = x.shape[x.shape.length - 1];
  const m = x.size / c;
  return customOp([x, p.gamma, p.beta], ([input, gamma, beta], save) => {
    const flat = tf.reshape(input, [m, c]) as tf.Tensor2D;
    const { mean, variance } = channelMoments(flat);
    updateRunning(p, mean, variance, m, opts.momentum);
    const invStd = tf.rsqrt(tf.add(variance, opts.epsilon));
    const xHat = tf.mul(tf.sub(flat, mean), invStd);
    const g2 = tf.reshape(gamma, [1, c]);
    save([xHat, tf.mul(g2, invStd)]);
    const value = tf.reshape(tf.add(tf.mul(xHat, g2), tf.reshape(beta, [1, c])), input.shape);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, scale] = saved;
      const dy2 = tf.reshape(dy, [m, c]) as tf.Tensor2D;
      const dBeta = channelSum(dy2);
      const dGamma = channelSum(tf.mul(dy2, xh) as tf.Tensor2D);
      const dx = tf.mul(tf.sub(tf.sub(dy2, tf.div(dBeta, m)), tf.mul(xh, tf.div(dGamma, m))), scale);
      return [tf.reshape(dx, input.shape), tf.reshape(dGamma, gamma.shape), tf.reshape(dBeta, beta.shape)];
    };
    return { value, gradFunc };
  });
}

/**
 * y = γ (x − μ) / sqrt(σ² + ε) + β on channels-last `x`. In training mode μ, σ² are the batch's and the running
 * averages move towards them (a side effect outside the gradient path); otherwise the running averages are used.
 */
export function batchNorm(x: tf.Tensor, p: BatchNormParams, opts: BatchNormOptions): tf.Tensor {
  if (opts.training) return trainingBatchNorm(x, p, opts);
  return tf.tidy(() => {
    const a = tf.mul(p.gamma, tf.rsqrt(tf.add(p.runningVar, opts.epsilon)));
    const b = tf.sub(p.beta, tf.mul(p.runningMean, a));
    return tf.add(tf.mul(x, a), b);
  });
}
