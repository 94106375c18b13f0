/**
 * Reductions for the losses that stay fast on WebGPU. tfjs reduces along an axis with one workgroup per
 * output and a shared-memory tree, and reduces a non-innermost axis after a transpose; with few classes
 * (K = 2…5) or long voxel axes that is slow (≈100 ms for a [2048, 2] row sum on SwiftShader). Here row sums
 * are matrix products with a column of ones, sums over voxels are the `columnSums` kernel, each with a
 * hand-written broadcast gradient. The log-softmax (networks/softmax.ts) avoids tfjs's reductions likewise.
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
