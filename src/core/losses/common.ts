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
  /**
   * Partially labelled scans (the marginal loss): `unlabelled[n][k]` is true when the scan that sample n
   * comes from does not label class k (k ≥ 1; e.g. MSD spleen_8 labels only the spleen). Its voxels of label 0
   * then mean "background or one of those classes": the probabilities of background and of every unlabelled
   * class are summed into background for that sample, so the loss never teaches that an unlabelled organ is
   * background. Absent, or all false: the ordinary loss, computed exactly as without it.
   */
  unlabelled?: boolean[][];
}

/** True when `unlabelled` marks at least one class of one sample (the marginal loss is needed). */
export function isPartial(opts: LossOptions | undefined): boolean {
  return !!opts?.unlabelled?.some((row) => row.some(Boolean));
}

/** `unlabelled` (checked by `checkLossInputs`) as a float32 `[N, 1, K]` mask (1 = not labelled in that sample's scan). */
export function unlabelledMask(unlabelled: boolean[][], n: number, k: number): tf.Tensor3D {
  return tf.tensor3d(unlabelled.flatMap((row) => row.map((u) => (u ? 1 : 0))), [n, 1, k]);
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
  const u = opts?.unlabelled;
  if (u) {
    const n = logits.shape[0];
    if (!Array.isArray(u) || u.length !== n || u.some((row) => !Array.isArray(row) || row.length !== k)) {
      throw new WorkbenchError('bad-argument', `${what}: unlabelled needs ${n} rows of ${k} flags (one per sample and class); got ${Array.isArray(u) ? u.length : typeof u} rows.`);
    }
    if (u.some((row) => row[0])) throw new WorkbenchError('bad-argument', `${what}: background (class 0) is always labelled; unlabelled[n][0] must be false.`);
  }
  return k;
}

/** One-hot labels `[N·V, K]` as float32. */
export function oneHotFlat(labels: tf.Tensor, k: number): tf.Tensor2D {
  // float32 directly: casting tfjs's int32 one-hot on WebGPU later breaks a transpose shader (i32 written as f32).
  return tf.oneHot(tf.reshape(labels, [labels.size]) as tf.Tensor1D, k, 1, 0, 'float32') as tf.Tensor2D;
}
