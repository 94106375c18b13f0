/**
 * Swaps our kernels in and tfjs's built-ins back, for the `webgpu` backend only.
 * tfjs looks kernels up by (name, backend) on every op call, so a swap takes effect at once.
 */
import * as tf from '@tensorflow/tfjs';
import { fastConv3DConfig } from './conv3d/conv3d.kernel';
import { fastConv3DBackpropInputConfig } from './conv3d-backprop-input/conv3d-backprop-input.kernel';
import { fastConv3DBackpropFilterConfig } from './conv3d-backprop-filter/conv3d-backprop-filter.kernel';

const BACKEND = 'webgpu';
const fastConfigs: tf.KernelConfig[] = [fastConv3DConfig, fastConv3DBackpropInputConfig, fastConv3DBackpropFilterConfig];

/** Names of the kernels this module replaces. */
export const FAST_KERNEL_NAMES: readonly string[] = fastConfigs.map((c) => c.kernelName);

/** tfjs's own configs, saved the first time we replace them. */
const builtins = new Map<string, tf.KernelConfig | undefined>();

function replace(config: tf.KernelConfig): void {
  const current = tf.getKernel(config.kernelName, BACKEND);
  if (current?.kernelFunc === config.kernelFunc) return;
  if (!builtins.has(config.kernelName)) builtins.set(config.kernelName, current);
  if (current) tf.unregisterKernel(config.kernelName, BACKEND);
  tf.registerKernel(config);
}

/** Installs the fast kernels for the `webgpu` backend. Safe to call any number of times. */
export function registerFastKernels(): void {
  for (const c of fastConfigs) replace(c);
}

/** Puts tfjs's built-in kernels back (no-op if ours were never installed). */
export function restoreBuiltinKernels(): void {
  for (const c of fastConfigs) {
    const current = tf.getKernel(c.kernelName, BACKEND);
    if (current?.kernelFunc !== c.kernelFunc) continue;
    tf.unregisterKernel(c.kernelName, BACKEND);
    const original = builtins.get(c.kernelName);
    if (original) tf.registerKernel(original);
  }
}

/** True when every fast kernel is the one registered now. */
export function fastKernelsRegistered(): boolean {
  return fastConfigs.every((c) => tf.getKernel(c.kernelName, BACKEND)?.kernelFunc === c.kernelFunc);
}
