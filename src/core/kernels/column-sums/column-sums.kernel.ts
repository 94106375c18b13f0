/**
 * Batched column sums `[B, M, C]` → `[B, 1, C]` as a tfjs kernel ('WorkbenchColumnSums', one pass per call)
 * on WebGPU and on wasm; on other backends a batched matrix product with a row of ones. Not differentiable by itself:
 * callers use it inside hand-written gradients (batch norm, dense, losses) or wrap it (`columnSumsOp`).
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { customOp } from '../common/custom-op';
import { ColumnSumsProgram } from './column-sums.program';
import { COLUMN_SUM_ROWS } from './column-sums.reference';

export const COLUMN_SUMS_KERNEL = 'WorkbenchColumnSums';

function columnSumsWebGPU(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as WebGPUBackend;
  const x = args.inputs.x as tf.TensorInfo;
  const [b, m, c] = x.shape;
  const groups = Math.ceil(m / COLUMN_SUM_ROWS);
  const uniforms = [{ type: 'int32', data: [m, c, groups, COLUMN_SUM_ROWS] }];
  return backend.runWebGPUProgram(new ColumnSumsProgram(b, groups, c), [x], 'float32', uniforms);
}

/** Installed by `registerKernels()` (kernels/registry.ts). */
export const columnSumsConfig: tf.KernelConfig = { kernelName: COLUMN_SUMS_KERNEL, backendName: 'webgpu', kernelFunc: columnSumsWebGPU as tf.KernelFunc };

/** `[B, M, C]` float32 → `[B, 1, C]`. */
export function columnSums(x: tf.Tensor3D): tf.Tensor3D {
  const backend = tf.getBackend();
  if (backend !== 'webgpu') {
    // The wasm backend has its own one-pass kernel (kernels/wasm-column-sums); others multiply by ones.
    if (tf.getKernel(COLUMN_SUMS_KERNEL, backend)) return tf.engine().runKernel(COLUMN_SUMS_KERNEL, { x } as unknown as tf.NamedTensorMap) as tf.Tensor3D;
    return tf.matMul(tf.ones([x.shape[0], 1, x.shape[1]]), x);
  }
  return tf.tidy(() => {
    let cur: tf.Tensor3D = x;
    do {
      cur = tf.engine().runKernel(COLUMN_SUMS_KERNEL, { x: cur } as unknown as tf.NamedTensorMap) as tf.Tensor3D;
    } while (cur.shape[1] > 1);
    return cur;
  });
}

/** `columnSums` with its gradient (a broadcast of dy over the M rows). */
export function columnSumsOp(x: tf.Tensor3D): tf.Tensor3D {
  return customOp([x], ([v]) => ({
    value: columnSums(v as tf.Tensor3D),
    gradFunc: (dy: tf.Tensor) => [tf.broadcastTo(dy, v.shape)],
  })) as tf.Tensor3D;
}
