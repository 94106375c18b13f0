/**
 * Parity of the fast conv3d input gradient (tfjs kernel Conv3DBackpropInputV2 on real WebGPU) against
 * the plain-TS reference. Tolerance: |gpu − ref| ≤ 2e-6 · Σ|terms| + 1e-6 per element (see parity.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { GRADIENT_CASES } from '../conv3d-common/cases';
import { expectParity, fastKernelParitySuite, gradientCase } from '../conv3d-common/parity-suite';
import { conv3dBackpropInputReference } from './conv3d-backprop-input.reference';

fastKernelParitySuite({
  what: 'input gradient',
  kernelName: 'Conv3DBackpropInputV2',
  cases: GRADIENT_CASES,
  check: async (device, c) => {
    const { strides, pad, g, dyShape, a: dys, b: ws } = gradientCase(c, ['dy', 'w']);
    await device.run(`conv3d input-gradient parity case "${c.name}"`, async () => {
      const dy = tf.tensor5d(dys, dyShape);
      const w = tf.tensor5d(ws, c.w);
      const dx = tf.engine().runKernel(tf.Conv3DBackpropInputV2, { dy, filter: w }, { strides, pad, inputShape: c.x }) as tf.Tensor;
      const got = await dx.data();
      expect(dx.shape).toEqual(c.x);
      tf.dispose([dy, w, dx]);
      expectParity(`input gradient ${c.name}`, got, conv3dBackpropInputReference(dys, ws, g));
    });
  },
});
