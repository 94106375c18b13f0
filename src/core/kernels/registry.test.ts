/** registerFastKernels is idempotent and restoreBuiltinKernels puts tfjs's own kernels back. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { afterAll, describe, expect, it } from 'vitest';
import { FAST_KERNEL_NAMES, fastKernelsRegistered, kernelsRegistered, OWN_KERNEL_NAMES, registerFastKernels, registerKernels, restoreBuiltinKernels } from './registry';

describe('fast kernel registry', () => {
  const builtin = new Map(FAST_KERNEL_NAMES.map((n) => [n, tf.getKernel(n, 'webgpu')?.kernelFunc]));
  afterAll(() => registerFastKernels());

  it('replaces the three conv3d kernels, and only for webgpu', () => {
    expect([...FAST_KERNEL_NAMES].sort()).toEqual(['Conv3D', 'Conv3DBackpropFilterV2', 'Conv3DBackpropInputV2']);
    restoreBuiltinKernels();
    const cpuBefore = tf.getKernel('Conv3D', 'cpu')?.kernelFunc;
    registerFastKernels();
    registerFastKernels();
    expect(fastKernelsRegistered()).toBe(true);
    for (const n of FAST_KERNEL_NAMES) {
      expect(tf.getKernel(n, 'webgpu')?.kernelFunc).toBeDefined();
      expect(tf.getKernel(n, 'webgpu')?.kernelFunc).not.toBe(builtin.get(n));
    }
    expect(tf.getKernel('Conv3D', 'cpu')?.kernelFunc).toBe(cpuBefore);
  });

  it('restores exactly the built-in kernels, and can swap back again', () => {
    registerFastKernels();
    restoreBuiltinKernels();
    expect(fastKernelsRegistered()).toBe(false);
    for (const n of FAST_KERNEL_NAMES) expect(tf.getKernel(n, 'webgpu')?.kernelFunc).toBe(builtin.get(n));
    restoreBuiltinKernels();
    for (const n of FAST_KERNEL_NAMES) expect(tf.getKernel(n, 'webgpu')?.kernelFunc).toBe(builtin.get(n));
    registerFastKernels();
    expect(fastKernelsRegistered()).toBe(true);
  });
});

describe('registerKernels', () => {
  it('installs our own ops and the fast conv3d kernels, idempotently', () => {
    expect([...OWN_KERNEL_NAMES].sort()).toEqual(['WorkbenchColumnSums', 'WorkbenchDropout', 'WorkbenchPatchSampler']);
    restoreBuiltinKernels();
    expect(kernelsRegistered()).toBe(false);
    registerKernels();
    const funcs = OWN_KERNEL_NAMES.map((n) => tf.getKernel(n, 'webgpu')?.kernelFunc);
    registerKernels();
    expect(kernelsRegistered()).toBe(true);
    expect(OWN_KERNEL_NAMES.map((n) => tf.getKernel(n, 'webgpu')?.kernelFunc)).toEqual(funcs);
    for (const f of funcs) expect(f).toBeDefined();
  });
});
