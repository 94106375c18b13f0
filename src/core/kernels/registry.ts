/**
 * The one registry of the workbench's WebGPU kernels. `registerKernels()` (called by `initBackend` once the
 * `webgpu` backend runs) installs them all:
 *  - our own ops under our own names (dropout, column sums, the patch sampler);
 *  - the fast conv3d kernels over tfjs's built-ins of the same names, which `restoreBuiltinKernels()` puts
 *    back (the baseline in benchmarks) and `registerFastKernels()` swaps in again.
 * tfjs looks kernels up by (name, backend) on every op call, so a swap takes effect at once.
 */
import * as tf from '@tensorflow/tfjs';
import { fastConv3DConfig } from './conv3d/conv3d.kernel';
import { fastConv3DBackpropInputConfig } from './conv3d-backprop-input/conv3d-backprop-input.kernel';
import { fastConv3DBackpropFilterConfig } from './conv3d-backprop-filter/conv3d-backprop-filter.kernel';
import { columnSumsConfig } from './column-sums/column-sums.kernel';
import { dropoutConfig } from './dropout/dropout.kernel';
import { patchSamplerConfig } from './patch-sampler/patch-sampler.kernel';
import { setKernelLimits } from './conv3d-common/limits';
import type { KernelLimits } from './conv3d-common/tiling';

const BACKEND = 'webgpu';
const ownConfigs: tf.KernelConfig[] = [columnSumsConfig, dropoutConfig, patchSamplerConfig];
const fastConfigs: tf.KernelConfig[] = [fastConv3DConfig, fastConv3DBackpropInputConfig, fastConv3DBackpropFilterConfig];

/** Names of the tfjs kernels the fast ones replace. */
export const FAST_KERNEL_NAMES: readonly string[] = fastConfigs.map((c) => c.kernelName);
/** Names of the kernels only the workbench defines. */
export const OWN_KERNEL_NAMES: readonly string[] = ownConfigs.map((c) => c.kernelName);

/** tfjs's own configs, saved the first time we replace them. */
const builtins = new Map<string, tf.KernelConfig | undefined>();

function install(config: tf.KernelConfig): void {
  const current = tf.getKernel(config.kernelName, BACKEND);
  if (current?.kernelFunc === config.kernelFunc) return;
  if (!builtins.has(config.kernelName)) builtins.set(config.kernelName, current);
  if (current) tf.unregisterKernel(config.kernelName, BACKEND);
  tf.registerKernel(config);
}

/**
 * Installs every workbench kernel for the `webgpu` backend, the conv3d kernels tiled for `limits` (the
 * Device's; kept from the last call when omitted). Safe to call any number of times.
 */
export function registerKernels(limits?: KernelLimits): void {
  if (limits) setKernelLimits(limits);
  for (const c of ownConfigs) install(c);
  for (const c of fastConfigs) install(c);
}

/** Installs the fast conv3d kernels only (after `restoreBuiltinKernels`). Safe to call any number of times. */
export function registerFastKernels(): void {
  for (const c of fastConfigs) install(c);
}

/** Puts tfjs's built-in conv3d kernels back (no-op if ours were never installed). */
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

/** True when every workbench kernel (own and fast) is registered now. */
export function kernelsRegistered(): boolean {
  return fastKernelsRegistered() && ownConfigs.every((c) => tf.getKernel(c.kernelName, BACKEND)?.kernelFunc === c.kernelFunc);
}
