/**
 * Shared checks and reshapes for the segmentation losses. Logits are NDHWC `[N, D, H, W, K]` (float32),
 * labels `[N, D, H, W]` (int32, values in [0, K); other values count as no class). All work happens on 2-D/3-D
 * views (`[N·V, K]`, `[N, V, K]`, V = D·H·W), never on 5-D tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { WorkbenchError } from '../errors';

export interface LossOptions {
  /** One weight per class (length K). Cross-entropy weighs voxels by their label's weight; the overlap losses weigh classes. */
  classWeights?: number[];
  /** Overlap losses only: added to numerator and denominator (default 1), so empty classes score 1. */
  smooth?: number;
}

export function checkLossInputs(logits: tf.Tensor, labels: tf.Tensor, opts: LossOptions | undefined, what: string): number {
  const k = logits.shape[logits.shape.length - 1];
  const ok = logits.rank >= 2 && labels.rank === logits.rank - 1 && labels.shape.every((s, i) => s === logits.shape[i]);
  if (!ok) {
    throw new WorkbenchError(
      'bad-argument',
      `${what}: labels must have the logits' shape without the class axis; got logits [${logits.shape.join(', ')}] and labels [${labels.shape.join(', ')}].`,
    );
  }
  if (labels.dtype !== 'int32') throw new WorkbenchError('bad-argument', `${what}: labels must be int32; got ${labels.dtype}.`);
  const w = opts?.classWeights;
  if (w && (w.length !== k || w.some((v) => !(v >= 0)) || !w.some((v) => v > 0))) {
    throw new WorkbenchError('bad-argument', `${what}: classWeights needs ${k} non-negative numbers, not all 0; got [${w.join(', ')}].`);
  }
  return k;
}

/** One-hot labels `[N·V, K]` as float32. */
export function oneHotFlat(labels: tf.Tensor, k: number): tf.Tensor2D {
  // float32 directly: casting tfjs's int32 one-hot on WebGPU later breaks a transpose shader (i32 written as f32).
  return tf.oneHot(tf.reshape(labels, [labels.size]) as tf.Tensor1D, k, 1, 0, 'float32') as tf.Tensor2D;
}
