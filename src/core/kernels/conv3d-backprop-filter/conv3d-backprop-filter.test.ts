/**
 * Parity of the fast conv3d filter gradient (tfjs kernel Conv3DBackpropFilterV2 on real WebGPU) against
 * the plain-TS reference, and of tf.grads of tf.conv3d (both gradients through the registered kernels).
 * Tolerance: |gpu − ref| ≤ 2e-6 · Σ|terms| + 1e-6 per element (see parity.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { Rng } from '../../random';
import { conv3dBackpropInputReference } from '../conv3d-backprop-input/conv3d-backprop-input.reference';
import { GRADIENT_CASES, size } from '../conv3d-common/cases';
import { conv3dGeometry } from '../conv3d-common/geometry';
import { randomArray } from '../conv3d-common/parity';
import { expectParity, fastKernelParitySuite, gradientCase } from '../conv3d-common/parity-suite';
import { conv3dBackpropFilterReference } from './conv3d-backprop-filter.reference';

type Shape5 = [number, number, number, number, number];

fastKernelParitySuite({
  what: 'filter gradient',
  kernelName: 'Conv3DBackpropFilterV2',
  cases: GRADIENT_CASES,
  check: async (device, c) => {
    const { strides, pad, g, dyShape, a: xs, b: dys } = gradientCase(c, ['x', 'dy'], 1);
    await device.run(`conv3d filter-gradient parity case "${c.name}"`, async () => {
      const x = tf.tensor5d(xs, c.x);
      const dy = tf.tensor5d(dys, dyShape);
      const dw = tf.engine().runKernel(tf.Conv3DBackpropFilterV2, { x, dy }, { strides, pad, filterShape: c.w }) as tf.Tensor;
      const got = await dw.data();
      expect(dw.shape).toEqual(c.w);
      tf.dispose([x, dy, dw]);
      expectParity(`filter gradient ${c.name}`, got, conv3dBackpropFilterReference(xs, dys, g));
    });
  },
  more: (device) => {
    it('tf.grads of tf.conv3d gives both gradients through the fast kernels', async () => {
      const xShape: Shape5 = [2, 6, 5, 7, 12];
      const wShape: Shape5 = [3, 3, 3, 12, 16];
      const g = conv3dGeometry(xShape, wShape, 1, 1, 'valid');
      const dyShape: Shape5 = [g.batch, ...g.outDims, g.outChannels];
      const rng = new Rng(99);
      const [xs, ws, dys] = [randomArray(size(xShape), rng), randomArray(size(wShape), rng), randomArray(size(dyShape), rng)];
      await device().run('tf.grads of conv3d', async () => {
        const x = tf.tensor5d(xs, xShape);
        const w = tf.tensor5d(ws, wShape);
        const dy = tf.tensor5d(dys, dyShape);
        // d/dx and d/dw of Σ conv3d(x, w) ⊙ dy are the input and filter gradients for upstream gradient dy.
        const grads = tf.grads((a: tf.Tensor, f: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, f as tf.Tensor5D, 1, 'valid'), dy)));
        const [dx, dw] = grads([x, w]);
        const [dxv, dwv] = await Promise.all([dx.data(), dw.data()]);
        tf.dispose([x, w, dy, dx, dw]);
        expectParity('tf.grads dx', dxv, conv3dBackpropInputReference(dys, ws, g));
        expectParity('tf.grads dW', dwv, conv3dBackpropFilterReference(xs, dys, g));
      });
    });
  },
});
