/**
 * Inverted dropout as a tfjs kernel ('WorkbenchDropout') on WebGPU, with the same mask computed in plain TS
 * on other backends. Differentiable: the gradient applies the same (seed-determined) mask to dy.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { WorkbenchError } from '../../errors';
import { customOp } from '../common/custom-op';
import { DropoutProgram } from './dropout.program';
import { dropoutMaskReference, dropoutThreshold } from './dropout.reference';

export const DROPOUT_KERNEL = 'WorkbenchDropout';

interface DropoutAttrs {
  rate: number;
  seed: number;
}

function dropoutWebGPU(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as WebGPUBackend;
  const { rate, seed } = args.attrs as unknown as DropoutAttrs;
  const x = args.inputs.x as tf.TensorInfo;
  const uniforms = [
    { type: 'int32', data: [seed | 0, dropoutThreshold(rate), 0, 0] },
    { type: 'float32', data: [1 / (1 - rate), 0, 0, 0] },
  ];
  return backend.runWebGPUProgram(new DropoutProgram(x.shape), [x], 'float32', uniforms);
}

/** Installed by `registerKernels()` (kernels/registry.ts). */
export const dropoutConfig: tf.KernelConfig = { kernelName: DROPOUT_KERNEL, backendName: 'webgpu', kernelFunc: dropoutWebGPU as tf.KernelFunc };

/** The forward op (no gradient): on WebGPU one dispatch; elsewhere x times the reference mask. */
function applyMask(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  if (tf.getBackend() === 'webgpu') {
    const attrs = { rate, seed } as unknown as tf.NamedAttrMap;
    return tf.engine().runKernel(DROPOUT_KERNEL, { x } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor;
  }
  return tf.mul(x, tf.tensor(dropoutMaskReference(x.size, rate, seed), x.shape));
}

/**
 * Inverted dropout of float32 `x` (any shape): each element is kept with probability 1 − rate (decided by a
 * hash of `seed` and its flat index) and scaled by 1/(1 − rate).
 */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  if (!(rate >= 0 && rate < 1)) throw new WorkbenchError('bad-argument', `The dropout rate must be in [0, 1); got ${rate}.`);
  if (rate === 0) return x;
  if (x.dtype !== 'float32') throw new WorkbenchError('bad-argument', `Dropout needs a float32 tensor; got ${x.dtype}.`);
  const s = seed >>> 0;
  return customOp([x], ([input]) => ({
    value: applyMask(input, rate, s),
    gradFunc: (dy: tf.Tensor) => [applyMask(dy, rate, s)],
  }));
}
