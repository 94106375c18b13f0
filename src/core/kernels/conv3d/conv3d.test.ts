/**
 * Parity of the fast forward conv3d (registered over tfjs's Conv3D on real WebGPU) against the
 * plain-TS reference. Tolerance: |gpu − ref| ≤ 2e-6 · Σ|terms| + 1e-6 per element (see parity.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../../../testing/gpu';
import { isWorkbenchError } from '../../errors';
import { type ConvCase, FORWARD_ONLY_CASES, GRADIENT_CASES, GPU_TUNING_CASES } from '../conv3d-common/cases';
import { configureConv3DKernels } from '../conv3d-common/options';
import { describeParity } from '../conv3d-common/parity';
import { conv3dParityRun } from '../conv3d-common/parity-runs';
import { fastKernelsRegistered, registerFastKernels } from '../registry';

const cases: ConvCase[] = [...GRADIENT_CASES, ...FORWARD_ONLY_CASES];

describe('fast conv3d forward on real WebGPU', () => {
  beforeAll(async () => {
    await webgpuForTests();
    registerFastKernels();
  });

  it('is the kernel tfjs runs for Conv3D on webgpu', () => {
    expect(fastKernelsRegistered()).toBe(true);
  });

  it('refuses int32 tensors with an error that names the input', () => {
    const x = tf.zeros([1, 4, 4, 4, 2], 'int32') as tf.Tensor5D;
    const w = tf.zeros([3, 3, 3, 2, 4], 'float32') as tf.Tensor5D;
    let caught: unknown;
    try {
      tf.conv3d(x, w, 1, 'valid');
    } catch (e) {
      caught = e;
    }
    tf.dispose([x, w]);
    expect(isWorkbenchError(caught, 'bad-argument')).toBe(true);
    expect((caught as Error).message).toMatch(/input "x" is int32/);
  });

  const checkCase = async (c: ConvCase): Promise<void> => {
    const r = await conv3dParityRun('forward', c);
    console.log(describeParity(`forward ${c.name}`, r.report));
    expect(r.shape).toEqual(r.expectedShape);
    expect(r.report.nonzero).toBeGreaterThan(0);
    expect(r.report.first).toBeUndefined();
    expect(r.report.failures).toBe(0);
  };

  it.each(cases)('$name', checkCase);

  describe('tuned for GPUs (workgroup-memory halos, 4 KiB so that channels come in chunks)', () => {
    beforeAll(() => configureConv3DKernels({ tuneFor: 'gpu', maxWorkgroupBytes: 4096 }));
    afterAll(() => configureConv3DKernels({ tuneFor: 'auto', maxWorkgroupBytes: 32768 }));
    it.each(cases.filter((c) => GPU_TUNING_CASES.includes(c.name)))('$name', checkCase);
  });
});
