/**
 * Parity of the fast conv3d input gradient (tfjs kernel Conv3DBackpropInputV2 on real WebGPU) against
 * the plain-TS reference. Tolerance: |gpu − ref| ≤ 2e-6 · Σ|terms| + 1e-6 per element (see parity.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../../testing/gpu';
import type { Device } from '../../backend/device';
import { Rng } from '../../random';
import { caseSeed, GRADIENT_CASES, size, GPU_TUNING_CASES, type ConvCase } from '../conv3d-common/cases';
import { configureConv3DKernels } from '../conv3d-common/options';
import { conv3dGeometry } from '../conv3d-common/geometry';
import { compareToReference, describeParity, randomArray } from '../conv3d-common/parity';
import { fastKernelsRegistered, registerFastKernels } from '../registry';
import { conv3dBackpropInputReference } from './conv3d-backprop-input.reference';

describe('fast conv3d input gradient on real WebGPU', () => {
  let b: Device;
  beforeAll(async () => {
    b = await webgpuForTests();
    registerFastKernels();
  });

  it('is the kernel tfjs runs for Conv3DBackpropInputV2 on webgpu', () => {
    expect(fastKernelsRegistered()).toBe(true);
  });

  const checkCase = async (c: ConvCase): Promise<void> => {
    const strides = c.strides ?? [1, 1, 1];
    const pad = c.pad ?? 'valid';
    const g = conv3dGeometry(c.x, c.w, strides, 1, pad);
    const dyShape = [g.batch, ...g.outDims, g.outChannels] as [number, number, number, number, number];
    const rng = new Rng(caseSeed(c));
    const dys = randomArray(size(dyShape), rng);
    const ws = randomArray(size(c.w), rng);
    await b.run(`conv3d input-gradient parity case "${c.name}"`, async () => {
      const dy = tf.tensor5d(dys, dyShape);
      const w = tf.tensor5d(ws, c.w);
      const dx = tf.engine().runKernel(tf.Conv3DBackpropInputV2, { dy, filter: w }, { strides, pad, inputShape: c.x }) as tf.Tensor;
      const got = await dx.data();
      expect(dx.shape).toEqual(c.x);
      const report = compareToReference(got, conv3dBackpropInputReference(dys, ws, g));
      console.log(describeParity(`input gradient ${c.name}`, report));
      tf.dispose([dy, w, dx]);
      expect(report.nonzero).toBeGreaterThan(0);
      expect(report.first).toBeUndefined();
      expect(report.failures).toBe(0);
    });
  };

  it.each(GRADIENT_CASES)('$name', checkCase);

  describe('tuned for GPUs (workgroup-memory halos, 4 KiB so that channels come in chunks)', () => {
    beforeAll(() => configureConv3DKernels({ tuneFor: 'gpu', maxWorkgroupBytes: 4096 }));
    afterAll(() => configureConv3DKernels({ tuneFor: 'auto', maxWorkgroupBytes: 32768 }));
    it.each(GRADIENT_CASES.filter((c) => GPU_TUNING_CASES.includes(c.name)))('$name', checkCase);
  });
});
