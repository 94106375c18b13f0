/**
 * Parity of the fast conv3d filter gradient (tfjs kernel Conv3DBackpropFilterV2 on real WebGPU) against
 * the plain-TS reference, and of tf.grads of tf.conv3d (both gradients through the registered kernels).
 * Tolerance: |gpu − ref| ≤ 2e-6 · Σ|terms| + 1e-6 per element (see parity.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../../testing/gpu';
import type { ActiveBackend } from '../../backend/select';
import { Rng } from '../../random';
import { conv3dBackpropInputReference } from '../conv3d-backprop-input/conv3d-backprop-input.reference';
import { GRADIENT_CASES, size, GPU_TUNING_CASES, type ConvCase } from '../conv3d-common/cases';
import { configureConv3DKernels } from '../conv3d-common/options';
import { conv3dGeometry } from '../conv3d-common/geometry';
import { compareToReference, describeParity, randomArray } from '../conv3d-common/parity';
import { conv3dParityRun } from '../conv3d-common/parity-runs';
import { fastKernelsRegistered, registerFastKernels } from '../registry';
import { conv3dBackpropFilterReference } from './conv3d-backprop-filter.reference';

type Shape5 = [number, number, number, number, number];

function expectParity(what: string, got: Float32Array | Int32Array | Uint8Array, ref: Parameters<typeof compareToReference>[1]): void {
  const report = compareToReference(got, ref);
  console.log(describeParity(what, report));
  expect(report.nonzero).toBeGreaterThan(0);
  expect(report.first).toBeUndefined();
  expect(report.failures).toBe(0);
}

describe('fast conv3d filter gradient on real WebGPU', () => {
  let b: ActiveBackend;
  beforeAll(async () => {
    b = await webgpuForTests();
    registerFastKernels();
  });

  it('is the kernel tfjs runs for Conv3DBackpropFilterV2 on webgpu', () => {
    expect(fastKernelsRegistered()).toBe(true);
  });

  const checkCase = async (c: ConvCase): Promise<void> => {
    const r = await conv3dParityRun('backprop-filter', c);
    console.log(describeParity(`filter gradient ${c.name}`, r.report));
    expect(r.shape).toEqual(r.expectedShape);
    expect(r.report.nonzero).toBeGreaterThan(0);
    expect(r.report.first).toBeUndefined();
    expect(r.report.failures).toBe(0);
  };

  it.each(GRADIENT_CASES)('$name', checkCase);

  describe('tuned for GPUs (workgroup-memory halos, 4 KiB so that channels come in chunks)', () => {
    beforeAll(() => configureConv3DKernels({ tuneFor: 'gpu', maxWorkgroupBytes: 4096 }));
    afterAll(() => configureConv3DKernels({ tuneFor: 'auto', maxWorkgroupBytes: 32768 }));
    it.each(GRADIENT_CASES.filter((c) => GPU_TUNING_CASES.includes(c.name)))('$name', checkCase);
  });

  it('tf.grads of tf.conv3d gives both gradients through the fast kernels', async () => {
    const xShape: Shape5 = [2, 6, 5, 7, 12];
    const wShape: Shape5 = [3, 3, 3, 12, 16];
    const g = conv3dGeometry(xShape, wShape, 1, 1, 'valid');
    const dyShape: Shape5 = [g.batch, ...g.outDims, g.outChannels];
    const rng = new Rng(99);
    const [xs, ws, dys] = [randomArray(size(xShape), rng), randomArray(size(wShape), rng), randomArray(size(dyShape), rng)];
    const x = tf.tensor5d(xs, xShape);
    const w = tf.tensor5d(ws, wShape);
    const dy = tf.tensor5d(dys, dyShape);
    // d/dx and d/dw of Σ conv3d(x, w) ⊙ dy are the input and filter gradients for upstream gradient dy.
    const grads = tf.grads((a: tf.Tensor, f: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, f as tf.Tensor5D, 1, 'valid'), dy)));
    const [dx, dw] = grads([x, w]);
    const [dxv, dwv] = await Promise.all([dx.data(), dw.data()]);
    b.monitor!.check('tf.grads of conv3d');
    tf.dispose([x, w, dy, dx, dw]);
    expectParity('tf.grads dx', dxv, conv3dBackpropInputReference(dys, ws, g));
    expectParity('tf.grads dW', dwv, conv3dBackpropFilterReference(xs, dys, g));
  });
});
