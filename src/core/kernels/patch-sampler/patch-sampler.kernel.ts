/**
 * Registers the patch sampler as a tfjs kernel on the WebGPU backend and runs it.
 * `runPatchSampler` returns the flat float32 output described in patch-sampler.layout.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { WorkbenchError } from '../../errors';
import { PATCH_FLOAT_COLUMNS, PATCH_INT_COLUMNS, patchSamplerLayout, type PatchSamplerSpec } from './patch-sampler.layout';
import { PatchSamplerProgram } from './patch-sampler.program';

export const PATCH_SAMPLER_KERNEL = 'WorkbenchPatchSampler';

export interface PatchSamplerInputs {
  /** float32 [total image voxels]: every volume's voxels, x fastest, one after another. */
  image: tf.Tensor;
  /** int32 [words]: labels packed four per word (see LABELS_PER_WORD). */
  labels: tf.Tensor;
  /** float32 [N, PATCH_FLOAT_COLUMNS]. */
  patchF: tf.Tensor;
  /** int32 [N, PATCH_INT_COLUMNS]. */
  patchI: tf.Tensor;
}

function patchSamplerWebGPU(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as WebGPUBackend;
  const spec = args.attrs as unknown as PatchSamplerSpec;
  const { image, labels, patchF, patchI } = args.inputs as Record<'image' | 'labels' | 'patchF' | 'patchI', tf.TensorInfo>;
  const layout = patchSamplerLayout(spec);
  const program = new PatchSamplerProgram(layout.total);
  const uniforms = [
    { type: 'int32', data: [spec.outputSize, layout.fullSize, layout.contextSize, spec.batch] },
    { type: 'int32', data: [spec.rFull, spec.rContext, 0, 0] },
    { type: 'float32', data: [spec.air, spec.valueMin, spec.valueMax, 0] },
  ];
  return backend.runWebGPUProgram(program, [image, labels, patchF, patchI], 'float32', uniforms);
}

/** Installed by `registerKernels()` (kernels/registry.ts). */
export const patchSamplerConfig: tf.KernelConfig = { kernelName: PATCH_SAMPLER_KERNEL, backendName: 'webgpu', kernelFunc: patchSamplerWebGPU as tf.KernelFunc };

function checkInputs(x: PatchSamplerInputs, spec: PatchSamplerSpec): void {
  const bad = (what: string) => new WorkbenchError('bad-argument', `Patch sampler: ${what}.`);
  if (x.image.dtype !== 'float32' || x.image.rank !== 1) throw bad(`the image buffer must be float32 1-D; got ${x.image.dtype} ${x.image.rank}-D`);
  if (x.labels.dtype !== 'int32' || x.labels.rank !== 1) throw bad(`the label buffer must be int32 1-D; got ${x.labels.dtype} ${x.labels.rank}-D`);
  if (x.patchF.dtype !== 'float32' || x.patchF.shape.join() !== [spec.batch, PATCH_FLOAT_COLUMNS].join()) {
    throw bad(`float parameters must be float32 [${spec.batch}, ${PATCH_FLOAT_COLUMNS}]; got ${x.patchF.dtype} [${x.patchF.shape}]`);
  }
  if (x.patchI.dtype !== 'int32' || x.patchI.shape.join() !== [spec.batch, PATCH_INT_COLUMNS].join()) {
    throw bad(`int parameters must be int32 [${spec.batch}, ${PATCH_INT_COLUMNS}]; got ${x.patchI.dtype} [${x.patchI.shape}]`);
  }
}

/**
 * Runs one dispatch on the active WebGPU backend. Returns float32 [layout.total]: the full, context and
 * label blocks one after another. The caller disposes the result.
 */
export function runPatchSampler(inputs: PatchSamplerInputs, spec: PatchSamplerSpec): tf.Tensor1D {
  if (tf.getBackend() !== 'webgpu') {
    throw new WorkbenchError('webgpu-unavailable', `The GPU patch sampler needs the WebGPU backend; the active backend is ${tf.getBackend()}.`);
  }
  checkInputs(inputs, spec);
  const attrs = { ...spec } as unknown as tf.NamedAttrMap;
  const named = { image: inputs.image, labels: inputs.labels, patchF: inputs.patchF, patchI: inputs.patchI };
  return tf.engine().runKernel(PATCH_SAMPLER_KERNEL, named as unknown as tf.NamedTensorMap, attrs) as tf.Tensor1D;
}
